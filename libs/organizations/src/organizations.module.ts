import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionHost } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';
import { ORGANIZATION_VIEW_ENTITIES, OrganizationsProjection } from './organization.projection';
import { ExecuteOrganizationCommandHandler } from './organizations.commands';
import { OrganizationsCommandController, OrganizationsQueryController } from './organizations.controller';
import { OrganizationsQueries } from './organizations.queries';
import { PairingExpirySweeper } from './pairing-expiry.sweeper';
import { PAIRING_VIEW_ENTITIES, PairingsProjection } from './pairing.projection';
import { ExecuteKeyAreaCommandHandler, ExecutePairingCommandHandler } from './pairings.commands';
import { PairingsController } from './pairings.controller';
import { PairingsQueries } from './pairings.queries';

/** Every read-model table of the organizations context. */
export const ORGANIZATIONS_CONTEXT_ENTITIES = [...ORGANIZATION_VIEW_ENTITIES, ...PAIRING_VIEW_ENTITIES];
export { ORGANIZATION_VIEW_ENTITIES };

/** The organizations context in one process: registry and pairings, their queries, projections and the pairing expiry sweep. */
@Module({
  imports: [CqrsModule, RegionsModule],
  controllers: [OrganizationsCommandController, OrganizationsQueryController, PairingsController],
  providers: [
    ExecuteOrganizationCommandHandler,
    OrganizationsQueries,
    OrganizationsProjection,
    ExecutePairingCommandHandler,
    ExecuteKeyAreaCommandHandler,
    PairingsQueries,
    PairingsProjection,
    PairingExpirySweeper,
  ],
  exports: [OrganizationsQueries, PairingsQueries, PairingExpirySweeper],
})
export class OrganizationsModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: OrganizationsProjection,
    private readonly pairings: PairingsProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
    this.projections.register(this.pairings);
  }
}
