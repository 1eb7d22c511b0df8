import { ContextDefinition } from '@shecun/projections';
import { NEED_EVENT_TYPES } from './need.events';
import { NEED_VIEW_ENTITIES, NeedsProjection } from './need.projection';
import { NeedsCommandsModule, NeedsModule, NeedsQueriesModule } from './needs.module';
import { NEEDS_STANDING_ENTITIES } from './organization-standings';
import { NeedDocuments1797100000001 } from './migrations/need-documents';

export const NEEDS_TOPIC = 'shecun.needs.v1';

/** Village needs, commitments (接单) and deliveries. */
export const needsContext: ContextDefinition = {
  name: 'needs',
  streams: { need: NEEDS_TOPIC },
  events: { need: NEED_EVENT_TYPES },
  embedded: { module: () => NeedsModule, entities: [...NEED_VIEW_ENTITIES, ...NEEDS_STANDING_ENTITIES] },
  distributed: {
    feeds: [{ topics: [NEEDS_TOPIC], create: () => new NeedsProjection() }],
    entities: NEED_VIEW_ENTITIES,
    migrations: [NeedDocuments1797100000001],
    gateway: () => [NeedsQueriesModule],
    commands: { service: 'needs', prefixes: ['/api/needs'], required: true, modules: () => [NeedsCommandsModule] },
  },
};
