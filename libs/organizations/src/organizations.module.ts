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
import { PairingsCommandController, PairingsQueryController } from './pairings.controller';
import { PairingsQueries } from './pairings.queries';
import { TEAM_VIEW_ENTITIES, TeamsProjection } from './team.projection';
import { ExecuteTeamCommandHandler } from './teams.commands';
import { TeamsCommandController, TeamsQueryController } from './teams.controller';
import { TeamsQueries } from './teams.queries';
import { RegistryImportService } from './registry-import.service';

/** Every read-model table of the organizations context. */
export const ORGANIZATIONS_CONTEXT_ENTITIES = [...ORGANIZATION_VIEW_ENTITIES, ...PAIRING_VIEW_ENTITIES, ...TEAM_VIEW_ENTITIES];
export { ORGANIZATION_VIEW_ENTITIES };

/**
 * Write side: registry (and its bulk import), pairings, key areas and teams, with the pairing
 * expiry sweep. One credit code per organization and the sweep's due pairings are looked up in the
 * context's own views, so wherever this runs the organizations projections run too.
 */
@Module({
  imports: [CqrsModule, RegionsModule],
  controllers: [OrganizationsCommandController, PairingsCommandController, TeamsCommandController],
  providers: [
    ExecuteOrganizationCommandHandler,
    ExecutePairingCommandHandler,
    ExecuteKeyAreaCommandHandler,
    ExecuteTeamCommandHandler,
    RegistryImportService,
    OrganizationsQueries,
    PairingsQueries,
    PairingExpirySweeper,
  ],
  exports: [PairingExpirySweeper, RegistryImportService],
})
export class OrganizationsCommandsModule {}

/** Read side: registry, profiles, pairings, coverage and teams over the read models. */
@Module({
  // The needs context's queries answer the profile's commitments (its read model, its visibility rule).
  imports: [NeedsQueriesModule],
  controllers: [OrganizationsQueryController, PairingsQueryController, TeamsQueryController],
  providers: [OrganizationsQueries, OrganizationProfileQueries, PairingsQueries, TeamsQueries],
  exports: [OrganizationsQueries, PairingsQueries, TeamsQueries],
})
export class OrganizationsQueriesModule {}

/** The organizations, pairings and teams projections, registered with the in-process projection host. */
@Module({ providers: [OrganizationsProjection, PairingsProjection, TeamsProjection] })
export class OrganizationsProjectionModule implements OnModuleInit {
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

/** The organizations context in one process (the embedded topology). */
@Module({
  imports: [OrganizationsCommandsModule, OrganizationsQueriesModule, OrganizationsProjectionModule],
  exports: [OrganizationsCommandsModule, OrganizationsQueriesModule],
})
export class OrganizationsModule {}
