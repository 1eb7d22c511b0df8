import { Module, OnModuleInit } from '@nestjs/common';
import { OrganizationsQueriesModule } from '@shecun/organizations';
import { ProjectionHost } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';
import { BureauReports } from './bureau-report';
import { BureauReportController } from './bureau-report.controller';
import { CohortIndex } from './cohort-index';
import { DashboardController } from './dashboard.controller';
import { IssuedReportsAdminController } from './issued-reports.controller';
import { ISSUED_REPORT_ENTITIES, IssuedReports, IssuedReportsProjection } from './issued-reports';
import { MONITORING_VIEW_ENTITIES as NEED_VIEW_ENTITIES, MonitoringProjection } from './monitoring.projection';
import { MonitoringQueries } from './monitoring.queries';
import { ReportIssuer } from './report-issuer';

/** The monitoring context's tables: the needs it counts and the reports it issued. */
export const MONITORING_CONTEXT_ENTITIES = [...NEED_VIEW_ENTITIES, ...ISSUED_REPORT_ENTITIES];

/** Read side: the dashboard over the monitoring read model, with the pairings, teams and donations read models. */
@Module({
  // Pairing coverage is the organizations context's own query.
  imports: [RegionsModule, OrganizationsQueriesModule],
  controllers: [DashboardController, BureauReportController],
  providers: [MonitoringQueries, CohortIndex, BureauReports, IssuedReports],
  exports: [MonitoringQueries, BureauReports, IssuedReports],
})
export class MonitoringQueriesModule {}

/** The scheduled reports, issued where the read models are (the embedded app, the gateway). */
@Module({ imports: [MonitoringQueriesModule, RegionsModule], controllers: [IssuedReportsAdminController], providers: [ReportIssuer], exports: [ReportIssuer] })
export class ReportScheduleModule {}

/** The monitoring projections, registered with the in-process projection host. */
@Module({ providers: [MonitoringProjection, IssuedReportsProjection], exports: [MonitoringProjection, IssuedReportsProjection] })
export class MonitoringProjectionModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: MonitoringProjection,
    private readonly issued: IssuedReportsProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
    this.projections.register(this.issued);
  }
}

/** The bureau's monitoring context in one process (the embedded topology). */
@Module({
  imports: [MonitoringQueriesModule, MonitoringProjectionModule, ReportScheduleModule],
  exports: [MonitoringQueriesModule, ReportScheduleModule],
})
export class MonitoringModule {}
