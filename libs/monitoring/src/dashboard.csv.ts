import { spreadsheetRows } from '@shecun/core';
import { stringify } from 'csv-stringify/sync';
import { NeedFigures } from './figures';
import { MonitoringQueries } from './monitoring.queries';

/**
 * CSV exports of the dashboard (csv-stringify), with a byte order mark so spreadsheets read UTF-8:
 * figures stay numbers, text (need titles, region names) a spreadsheet could run as a formula is
 * neutralised (spreadsheetRows).
 */
const csv = (header: string[], rows: unknown[][]) => '\ufeff' + stringify(spreadsheetRows([header, ...rows]));

const FIGURE_COLUMNS = [
  'published', 'matched', 'fully_committed', 'fulfilled', 'match_rate', 'conversion_rate',
  'first_acceptance_needs', 'first_acceptance_median_hours', 'first_acceptance_p90_hours',
  'fulfilment_needs', 'fulfilment_median_hours', 'fulfilment_p90_hours', 'team_commitments', 'team_commitments_delivered',
];
const figureCells = (f: NeedFigures) => [
  f.published, f.matched, f.fullyCommitted, f.fulfilled, f.matchRate ?? '', f.conversionRate ?? '',
  f.timeToFirstAcceptance.needs, f.timeToFirstAcceptance.medianHours ?? '', f.timeToFirstAcceptance.p90Hours ?? '',
  f.timeToFulfilment.needs, f.timeToFulfilment.medianHours ?? '', f.timeToFulfilment.p90Hours ?? '', f.teamCommitments, f.teamCommitmentsDelivered,
];

export function figuresCsv(result: Awaited<ReturnType<MonitoringQueries['figures']>>): string {
  const rows = result.rows.map((r) => [r.region.code, r.region.name, r.region.level, r.category, result.period, r.period.key, r.period.firstDate, r.period.lastDate, ...figureCells(r)]);
  const t = result.total;
  rows.push([result.region.code, result.region.name, result.region.level, result.category, result.period, 'all', result.from ?? '', result.to ?? '', ...figureCells(t)]);
  return csv(['region_code', 'region_name', 'region_level', 'category', 'period', 'bucket', 'first_date', 'last_date', ...FIGURE_COLUMNS], rows);
}

export function summaryCsv(result: Awaited<ReturnType<MonitoringQueries['summary']>>): string {
  const head = [result.region.code, result.region.name, result.category, result.period];
  const rows = result.rows.map((r) => [
    ...head, r.period.key, r.period.firstDate, r.period.lastDate, ...figureCells(r.needs), r.teamsFormed,
    r.donations.receivedFen, r.donations.allocatedFen, r.donations.usedFen, r.donations.confirmedFen, '', '', '', '', '',
  ]);
  const t = result.total;
  const c = t.coverage;
  rows.push([
    ...head, 'all', result.from ?? '', result.to ?? '', ...figureCells(t.needs), t.teams.formed,
    t.donations.receivedFen, t.donations.allocatedFen, t.donations.usedFen, t.donations.confirmedFen,
    c.keyVillages, c.coveredVillages, c.villageCoverage ?? '', c.keyTowns, c.coveredTowns,
  ]);
  return csv(
    [
      'region_code', 'region_name', 'category', 'period', 'bucket', 'first_date', 'last_date', ...FIGURE_COLUMNS, 'teams_formed',
      'received_fen', 'allocated_fen', 'used_fen', 'confirmed_fen',
      'key_villages_now', 'covered_key_villages_now', 'key_village_coverage_now', 'key_towns_now', 'covered_key_towns_now',
    ],
    rows,
  );
}

export function needsCsv(result: Awaited<ReturnType<MonitoringQueries['needs']>>): string {
  return csv(
    ['need_id', 'title', 'village_code', 'village_name', 'category', 'status', 'published_at', 'first_accepted_at', 'fully_committed_at', 'fulfilled_at', 'ended_at', 'hours_to_first_acceptance', 'hours_to_fulfilment', 'team_commitments', 'team_commitments_delivered', 'events'],
    result.items.map((n) => [
      n.id, n.title, n.villageCode, n.villageName, n.category, n.status, n.publishedAt ?? '', n.firstAcceptedAt ?? '', n.fullyCommittedAt ?? '', n.fulfilledAt ?? '', n.endedAt ?? '',
      n.hoursToFirstAcceptance ?? '', n.hoursToFulfilment ?? '', n.teamCommitments, n.teamCommitmentsDelivered, n.events,
    ]),
  );
}
