import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionHost } from '@shecun/projections';
import { NeedsQueriesModule } from '@shecun/needs';
import { RegionsModule } from '@shecun/regions';
import { OrganizationProfileQueries } from './organization-profile';
import { ORGANIZATION_VIEW_ENTITIES, OrganizationsProjection } from './organization.projection';
import { ExecuteOrganizationCommandHandler } from './organizations.commands';
import { OrganizationsCommandController, OrganizationsQueryController } from './organizations.controller';
import { OrganizationsQueries } from './organizations.queries';
import { PairingExpirySweeper } from './pairing-expiry.sweeper';
import { PAIRING_VIEW_ENTITIES, PairingsProjection } from './pairing.projection';
import { ExecuteKeyAreaCommandHandler, ExecutePairingCommandHandler } from './pairings.commands';
import { PairingsController } from './pairings.controller';
import { PairingsQueries } from './pairings.queries';
import { TEAM_VIEW_ENTITIES, TeamsProjection } from './team.projection';
import { ExecuteTeamCommandHandler } from './teams.commands';
import { TeamsController } from './teams.controller';
import { TeamsQueries } from './teams.queries';
import { RegistryImportService } from './registry-import.service';

/** Every read-model table of the organizations context. */
export const ORGANIZATIONS_CONTEXT_ENTITIES = [...ORGANIZATION_VIEW_ENTITIES, ...PAIRING_VIEW_ENTITIES, ...TEAM_VIEW_ENTITIES];
export { ORGANIZATION_VIEW_ENTITIES };

/** The organizations context in one process: registry, pairings and teams, their queries, projections and the pairing expiry sweep. */
@Module({
  // The needs context's queries answer the profile's commitments (its read model, its visibility rule).
  imports: [CqrsModule, RegionsModule, NeedsQueriesModule],
  controllers: [OrganizationsCommandController, OrganizationsQueryController, PairingsController, TeamsController],
  providers: [
    ExecuteOrganizationCommandHandler,
    OrganizationsQueries,
    OrganizationProfileQueries,
    RegistryImportService,
    OrganizationsProjection,
    ExecutePairingCommandHandler,
    ExecuteKeyAreaCommandHandler,
    PairingsQueries,
    PairingsProjection,
    PairingExpirySweeper,
    ExecuteTeamCommandHandler,
    TeamsQueries,
    TeamsProjection,
  ],
  exports: [OrganizationsQueries, PairingsQueries, PairingExpirySweeper, TeamsQueries, RegistryImportService],
})
export class OrganizationsModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: OrganizationsProjection,
    private readonly pairings: PairingsProjection,
    private readonly teams: TeamsProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
    this.projections.register(this.pairings);
    this.projections.register(this.teams);
  }
}
