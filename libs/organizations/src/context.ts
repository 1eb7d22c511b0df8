import { ContextDefinition } from '@shecun/projections';
import { ORGANIZATION_EVENT_TYPES } from './organization.events';
import { OrganizationsProjection } from './organization.projection';
import { ORGANIZATIONS_CONTEXT_ENTITIES, OrganizationsCommandsModule, OrganizationsModule, OrganizationsProjectionModule, OrganizationsQueriesModule } from './organizations.module';
import { PAIRING_EVENT_TYPES } from './pairing.decider';
import { PairingsProjection } from './pairing.projection';
import { TEAM_EVENT_TYPES } from './team.decider';
import { TeamsProjection } from './team.projection';

export const ORGANIZATIONS_TOPIC = 'shecun.organizations.v1';

/** Social organizations, pairings with villages (千社扶百村, `pairing-key-…` included) and teams (组团帮扶). */
export const organizationsContext: ContextDefinition = {
  name: 'organizations',
  streams: { org: ORGANIZATIONS_TOPIC, pairing: ORGANIZATIONS_TOPIC, team: ORGANIZATIONS_TOPIC },
  events: { org: ORGANIZATION_EVENT_TYPES, pairing: [...PAIRING_EVENT_TYPES, 'KeyAreaDesignated'], team: TEAM_EVENT_TYPES },
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
