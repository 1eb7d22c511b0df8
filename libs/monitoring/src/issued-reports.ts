import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, notFound } from '@shecun/core';
import { RecordedEvent } from '@shecun/event-store';
import { Projection } from '@shecun/projections';
import { Column, DataSource, Entity, EntityManager, Index, Like, PrimaryColumn } from 'typeorm';
import { BureauReport, reportTitle } from './bureau-report';
import { MonitoringQueries } from './monitoring.queries';
import { BUREAU_REPORT_ISSUED, BureauReportIssuedData, issuedReportStream } from './report-issue';

/** One row per issued report (定期报表): the report as it was when issued, as JSON. */
@Entity('monitoring_issued_reports')
export class IssuedReport {
  /** Its stream: `report-<region>-<period>`. */
  @PrimaryColumn({ type: 'varchar', length: 40 }) id: string;
  @Index() @Column({ type: 'varchar', length: 12 }) region: string;
  @Column({ type: 'varchar', length: 8 }) period: string;
  @Column({ type: 'varchar', length: 8 }) kind: string;
  @Column({ type: 'varchar', length: 40 }) issuedAt: string;
  @Column({ type: 'text' }) document: string;
}

export const ISSUED_REPORT_ENTITIES = [IssuedReport];

/** The issued reports, as their events recorded them. */
@Injectable()
export class IssuedReportsProjection implements Projection {
  readonly name = 'monitoring-reports';
  readonly eventTypes = [BUREAU_REPORT_ISSUED];
  readonly entities = ISSUED_REPORT_ENTITIES;

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (event.type !== BUREAU_REPORT_ISSUED) return;
    const d = event.data as BureauReportIssuedData;
    await manager.save(IssuedReport, { id: event.streamName, region: d.region, period: d.period, kind: d.kind, issuedAt: d.issuedAt, document: JSON.stringify(d.report) });
  }
}

/** An issued report as lists show it. */
export interface IssuedReportSummary {
  region: string;
  regionName: string;
  period: string;
  kind: string;
  title: string;
  issuedAt: string;
}

/** The issued reports a bureau may read: those of its region (default: its scope) and, on request, of the regions within it. */
@Injectable()
export class IssuedReports {
  constructor(
    private readonly queries: MonitoringQueries,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async list(actor: Actor, regionCode: string | undefined, within: boolean, page: number, pageSize: number): Promise<{ page: number; pageSize: number; total: number; items: IssuedReportSummary[] }> {
    const region = this.queries.region(actor, regionCode);
    const [rows, total] = await this.dataSource.getRepository(IssuedReport).findAndCount({
      where: { region: within ? Like(`${region.code}%`) : region.code },
      order: { period: 'DESC', region: 'ASC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { page, pageSize, total, items: rows.map((row) => summaryOf(row)) };
  }

  /** The report as issued; 403 outside the caller's scope, 404 when it was not issued. */
  async get(actor: Actor, regionCode: string, period: string): Promise<BureauReport & { issuedAt: string }> {
    const region = this.queries.region(actor, regionCode);
    const row = await this.dataSource.getRepository(IssuedReport).findOneBy({ id: issuedReportStream(region.code, period) });
    if (!row) throw notFound(`${region.name} ${period} 的定期报表尚未生成 (no report of ${region.code} for ${period} has been issued)`);
    return { ...(JSON.parse(row.document) as BureauReport), issuedAt: row.issuedAt };
  }
}

function summaryOf(row: IssuedReport): IssuedReportSummary {
  const report = JSON.parse(row.document) as BureauReport;
  return { region: row.region, regionName: report.region.name, period: row.period, kind: row.kind, title: reportTitle(report), issuedAt: row.issuedAt };
}
