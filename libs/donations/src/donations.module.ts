import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionHost } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';
import { DONATION_VIEW_ENTITIES, DonationsProjection } from './donation.projection';
import { ExecuteFlowCommandHandler, ExecuteFundCommandHandler } from './donations.commands';
import { DisclosureController, DonationAuditController, DonationsController, FundsController } from './donations.controller';
import { DonationsQueries } from './donations.queries';

export { DONATION_VIEW_ENTITIES };

/** The donations context in one process: flows, funds, the auditor's views, disclosure and the ledger check. */
@Module({
  imports: [CqrsModule, RegionsModule],
  controllers: [DonationsController, FundsController, DonationAuditController, DisclosureController],
  providers: [ExecuteFlowCommandHandler, ExecuteFundCommandHandler, DonationsQueries, DonationsProjection],
  exports: [DonationsQueries],
})
export class DonationsModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: DonationsProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
  }
}
