import { ContextDefinition } from '@shecun/projections';
import { OrganizationsProjection } from './organization.projection';
import { ORGANIZATIONS_CONTEXT_ENTITIES, OrganizationsCommandsModule, OrganizationsModule, OrganizationsProjectionModule, OrganizationsQueriesModule } from './organizations.module';
import { PairingsProjection } from './pairing.projection';
import { TeamsProjection } from './team.projection';

export const ORGANIZATIONS_TOPIC = 'shecun.organizations.v1';

/** Social organizations, pairings with villages (千社扶百村, `pairing-key-…` included) and teams (组团帮扶). */
export const organizationsContext: ContextDefinition = {
  name: 'organizations',
  streams: { org: ORGANIZATIONS_TOPIC, pairing: ORGANIZATIONS_TOPIC, team: ORGANIZATIONS_TOPIC },
  embedded: { module: () => OrganizationsModule, entities: ORGANIZATIONS_CONTEXT_ENTITIES },
  distributed: {
    feeds: [
      { topics: [ORGANIZATIONS_TOPIC], create: () => new OrganizationsProjection() },
      { topics: [ORGANIZATIONS_TOPIC], create: () => new PairingsProjection() },
      { topics: [ORGANIZATIONS_TOPIC], create: () => new TeamsProjection() },
    ],
    entities: ORGANIZATIONS_CONTEXT_ENTITIES,
    gateway: () => [OrganizationsQueriesModule],
    commands: {
      service: 'organizations',
      prefixes: ['/api/organizations', '/api/pairings', '/api/teams'],
      // Registry, pairings, teams, the pairing expiry sweep; the views they decide on, projected in the service.
      modules: () => [OrganizationsCommandsModule, OrganizationsProjectionModule],
    },
  },
};
