import { NEEDS_TOPIC } from '@shecun/needs';
import { ContextDefinition } from '@shecun/projections';
import { IssuedReportsProjection } from './issued-reports';
import { IssuedReports1797200000000 } from './migrations/issued-reports';
import { MONITORING_CONTEXT_ENTITIES, MonitoringModule, MonitoringQueriesModule, ReportScheduleModule } from './monitoring.module';
import { MonitoringProjection } from './monitoring.projection';
import { MONITORING_TOPIC, REPORT_EVENT_TYPES } from './report-issue';

/**
 * The bureau's dashboard (监测): needs figures by region, category and period, and the reports it
 * issues on a schedule (`report-<region>-<period>`, one stream per report).
 */
export const monitoringContext: ContextDefinition = {
  name: 'monitoring',
  streams: { report: MONITORING_TOPIC },
  events: { report: REPORT_EVENT_TYPES },
  embedded: { module: () => MonitoringModule, entities: MONITORING_CONTEXT_ENTITIES },
  distributed: {
    feeds: [
      { topics: [NEEDS_TOPIC], create: () => new MonitoringProjection() },
      { topics: [MONITORING_TOPIC], create: () => new IssuedReportsProjection() },
    ],
    entities: MONITORING_CONTEXT_ENTITIES,
    migrations: [IssuedReports1797200000000],
    // The queries, and the schedule that issues the reports (from the read models the gateway reads).
    gateway: () => [MonitoringQueriesModule, ReportScheduleModule],
  },
};
