import { NEEDS_TOPIC } from '@shecun/needs';
import { ContextDefinition } from '@shecun/projections';
import { MonitoringModule, MonitoringQueriesModule } from './monitoring.module';
import { MONITORING_VIEW_ENTITIES, MonitoringProjection } from './monitoring.projection';

/** The bureau's dashboard (监测): needs figures by region, category and period. Writes no streams. */
export const monitoringContext: ContextDefinition = {
  name: 'monitoring',
  streams: {},
  events: {},
  embedded: { module: () => MonitoringModule, entities: MONITORING_VIEW_ENTITIES },
  distributed: {
    feeds: [{ topics: [NEEDS_TOPIC], create: () => new MonitoringProjection() }],
    entities: MONITORING_VIEW_ENTITIES,
    gateway: () => [MonitoringQueriesModule],
  },
};
