import { Module, OnModuleInit } from '@nestjs/common';
import { OrganizationsQueriesModule } from '@shecun/organizations';
import { ProjectionHost } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';
import { BureauReports } from './bureau-report';
import { BureauReportController } from './bureau-report.controller';
import { CohortIndex } from './cohort-index';
import { DashboardController } from './dashboard.controller';
import { MONITORING_VIEW_ENTITIES, MonitoringProjection } from './monitoring.projection';
import { MonitoringQueries } from './monitoring.queries';

export { MONITORING_VIEW_ENTITIES };

/** Read side: the dashboard over the monitoring read model, with the pairings, teams and donations read models. */
@Module({
  // Pairing coverage is the organizations context's own query.
  imports: [RegionsModule, OrganizationsQueriesModule],
  controllers: [DashboardController, BureauReportController],
  providers: [MonitoringQueries, CohortIndex, BureauReports],
  exports: [MonitoringQueries, BureauReports],
})
export class MonitoringQueriesModule {}

/** The monitoring projection, registered with the in-process projection host. */
@Module({ providers: [MonitoringProjection], exports: [MonitoringProjection] })
export class MonitoringProjectionModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: MonitoringProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
  }
}

/** The bureau's monitoring context in one process (the embedded topology). */
@Module({
  imports: [MonitoringQueriesModule, MonitoringProjectionModule],
  exports: [MonitoringQueriesModule],
})
export class MonitoringModule {}
