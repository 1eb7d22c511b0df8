import { chinaDate, DomainEvent } from '@shecun/core';
import { BureauReport, ReportPeriod, reportPeriod } from './bureau-report';
import { bucketsOfDate } from './periods';

/**
 * Reports filed on a schedule (定期报表): once a month (and a quarter) has ended, the 月报 (and
 * 季报) of the province, every city and every county is made once and recorded as it then was, in
 * an event of its own stream. What a bureau files cannot change afterwards: later corrections show
 * in reports asked for on request, never in the issued one.
 */
export const MONITORING_TOPIC = 'shecun.monitoring.v1';

/** `report-<region>-<period>`: one stream per issued report, so that it is issued once. */
export const issuedReportStream = (region: string, period: string) => `report-${region}-${period}`;

export const BUREAU_REPORT_ISSUED = 'BureauReportIssued';

export interface BureauReportIssuedData {
  region: string;
  period: string;
  kind: ReportPeriod['kind'];
  /** When it was issued (ISO instant). */
  issuedAt: string;
  /** Why: the schedule's reason, in Chinese and English. */
  reason: string;
  /** The report as it was when issued. */
  report: BureauReport;
}

export type BureauReportIssued = DomainEvent<typeof BUREAU_REPORT_ISSUED, BureauReportIssuedData>;

export const REPORT_EVENT_TYPES = [BUREAU_REPORT_ISSUED] as const;

export const SCHEDULE_REASON = '定期报表：报告期已结束 (scheduled report: the period has ended)';

/** How long after a period's end its reports are issued: late events of its last hours are in the read models by then. */
export const ISSUE_GRACE_MS = 60 * 60_000;

/**
 * The periods whose reports are due at `now`: the month that ended last and, when that month ended a
 * quarter, the quarter; none before ISSUE_GRACE_MS has passed since its end, and none that ended
 * before `since` (the platform's first event: a new deployment files nothing for months it did not
 * run). Pure.
 */
export function duePeriods(now: Date, since: Date | null): ReportPeriod[] {
  if (since === null) return [];
  const thisMonth = bucketsOfDate(chinaDate(new Date(now.getTime() - ISSUE_GRACE_MS))).month;
  const [year, month] = thisMonth.split('-').map(Number);
  const last = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
  const monthly = reportPeriod(last);
  const due = [monthly];
  if (Number(last.slice(5)) % 3 === 0) due.push(reportPeriod(`${last.slice(0, 4)}-Q${Number(last.slice(5)) / 3}`));
  return due.filter((p) => Date.parse(p.endsAt) > since.getTime());
}

/** The regions reports are issued for: the province, its cities and their counties. */
export function reportRegions(regions: { rootCode: string; children(code: string): Array<{ code: string }> }): string[] {
  const cities = regions.children(regions.rootCode).map((c) => c.code);
  return [regions.rootCode, ...cities, ...cities.flatMap((c) => regions.children(c).map((d) => d.code))];
}
