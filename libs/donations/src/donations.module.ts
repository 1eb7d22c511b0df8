import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionHost } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';
import { DONATION_VIEW_ENTITIES, DonationsProjection } from './donation.projection';
import { ExecuteFlowCommandHandler, ExecuteFundCommandHandler } from './donations.commands';
import { DisclosureController, DonationAuditController, DonationsCommandController, DonationsQueryController, FundsCommandController, FundsQueryController } from './donations.controller';
import { DonationsQueries } from './donations.queries';
import { DonationOrganizationsProjection } from './organization-identifiers';
import { DonationPeopleProjection } from './people';
import { LedgerCheckpointController } from './ledger-checkpoint.controller';
import { LedgerCheckpoints, LedgerCheckpointSweeper } from './ledger-checkpoint.service';

export { DONATION_VIEW_ENTITIES };

/**
 * Write side: donation and fund commands. The handlers read organizations, needs and parent flows
 * from their own streams in the event store, so this side needs no read model.
 */
@Module({
  imports: [CqrsModule, RegionsModule],
  controllers: [DonationsCommandController, FundsCommandController],
  providers: [ExecuteFlowCommandHandler, ExecuteFundCommandHandler],
})
export class DonationsCommandsModule {}

/** Read side: flows, funds, the auditor's views, exports and public disclosure (a TypeORM DataSource and EVENT_STORE). */
@Module({
  controllers: [DonationsQueryController, FundsQueryController, DonationAuditController, LedgerCheckpointController, DisclosureController],
  providers: [DonationsQueries, LedgerCheckpoints],
  exports: [DonationsQueries, LedgerCheckpoints],
})
export class DonationsQueriesModule {}

/** The donations projections (flows; organizations' identifiers; people's display names), registered with the in-process projection host. */
@Module({ providers: [DonationsProjection, DonationOrganizationsProjection, DonationPeopleProjection], exports: [DonationsProjection, DonationOrganizationsProjection, DonationPeopleProjection] })
export class DonationsProjectionModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: DonationsProjection,
    private readonly organizations: DonationOrganizationsProjection,
    private readonly people: DonationPeopleProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
    this.projections.register(this.organizations);
    this.projections.register(this.people);
  }
}

/**
 * The periodic ledger checkpoint where no query routes are served (the donations service of the
 * distributed topology; the gateway serves the checkpoint routes).
 */
@Module({ providers: [LedgerCheckpoints, LedgerCheckpointSweeper], exports: [LedgerCheckpointSweeper] })
export class LedgerCheckpointSweepModule {}

/** The donations context in one process (the embedded topology), with the periodic ledger checkpoint. */
@Module({
  imports: [DonationsCommandsModule, DonationsQueriesModule, DonationsProjectionModule],
  providers: [LedgerCheckpointSweeper],
  exports: [DonationsQueriesModule, LedgerCheckpointSweeper],
})
export class DonationsModule {}
