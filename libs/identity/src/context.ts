import { ORGANIZATIONS_TOPIC } from '@shecun/organizations';
import { ContextDefinition } from '@shecun/projections';
import { IDENTITY_EVENT_TYPES, SESSION_EVENT_TYPES } from './identity.events';
import { IDENTITY_VIEW_ENTITIES, IdentityProjection } from './identity.projection';
import { IdentityOptions, identityOptionsFromEnv } from './identity.options';
import { IdentityModule, RateLimits, rateLimitsFromEnv } from './identity.module';
import { IDENTITY_ORGANIZATION_SCOPE_ENTITIES, IdentityOrganizationScopesProjection } from './organization-scopes';

export const IDENTITY_TOPIC = 'shecun.identity.v1';

/** What the embedded app may set for identity (`settings.identity`); by default both come from the environment. */
export interface IdentitySettings {
  options?: IdentityOptions;
  rateLimits?: RateLimits;
}

/** Users, sessions and grants; the trace-access audit (`access-…`). */
export const identityContext: ContextDefinition = {
  name: 'identity',
  streams: { user: IDENTITY_TOPIC, session: IDENTITY_TOPIC, access: IDENTITY_TOPIC },
  events: { user: [...IDENTITY_EVENT_TYPES], session: [...SESSION_EVENT_TYPES], access: ['AuditedRead'] },
  embedded: {
    module: ({ env, dataDir, settings }) => {
      const own = (settings.identity ?? {}) as IdentitySettings;
      return IdentityModule.forRoot(own.options ?? identityOptionsFromEnv(env, dataDir), own.rateLimits ?? rateLimitsFromEnv(env));
    },
    entities: [...IDENTITY_VIEW_ENTITIES, ...IDENTITY_ORGANIZATION_SCOPE_ENTITIES],
  },
  distributed: {
    feeds: [
      { topics: [IDENTITY_TOPIC], create: () => new IdentityProjection() },
      // Where organizations are registered, for the gateway's user commands (the delegation rules).
      { topics: [ORGANIZATIONS_TOPIC], create: () => new IdentityOrganizationScopesProjection() },
    ],
    entities: [...IDENTITY_VIEW_ENTITIES, ...IDENTITY_ORGANIZATION_SCOPE_ENTITIES],
    // Sign-in, users and grants (the identity context's write side runs in the gateway); grants are
    // read from the projector's read model. Needs JWT_PRIVATE_KEY_FILE to issue tokens.
    gateway: (env) => [IdentityModule.forRoot(identityOptionsFromEnv(env), rateLimitsFromEnv(env))],
  },
};
