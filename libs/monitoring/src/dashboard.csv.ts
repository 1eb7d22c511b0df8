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

/** Each needs figure's drill-down (the needs behind it, each linking to its events). */
const LINK_COLUMNS = ['published_needs', 'matched_needs', 'fully_committed_needs', 'fulfilled_needs', 'team_commitments_needs', 'team_delivered_needs'];
type NeedLinks = Record<'published' | 'matched' | 'fullyCommitted' | 'fulfilled' | 'teamCommitments' | 'teamCommitmentsDelivered', string>;
const linkCells = (l: NeedLinks) => [l.published, l.matched, l.fullyCommitted, l.fulfilled, l.teamCommitments, l.teamCommitmentsDelivered];

/** Money figures (fen of value, libs/donations/src/counting.ts) and the link to the events behind each. */
const MONEY_COLUMNS = ['received_fen', 'transferred_fen', 'allocated_fen', 'used_fen', 'evidenced_fen', 'confirmed_fen', 'unallocated_received_fen', 'unallocated_transferred_fen'];
const MONEY_LINK_COLUMNS = ['received_events', 'transferred_events', 'allocated_events', 'used_events', 'evidenced_events', 'confirmed_events', 'unallocated_received_events', 'unallocated_transferred_events'];
type Donations = Awaited<ReturnType<MonitoringQueries['summary']>>['total']['donations'];
const moneyCells = (d: Omit<Donations, 'flows' | 'link'>) => [
  d.receivedFen, d.transferredFen, d.allocatedFen, d.usedFen, d.evidencedFen, d.confirmedFen, d.unallocated?.receivedFen ?? '', d.unallocated?.transferredFen ?? '',
  d.sources.received, d.sources.transferred, d.sources.allocated, d.sources.used, d.sources.evidenced, d.sources.confirmed,
  d.unallocated?.sources.received ?? '', d.unallocated?.sources.transferred ?? '',
];

export function figuresCsv(result: Awaited<ReturnType<MonitoringQueries['figures']>>): string {
  const rows = result.rows.map((r) => [r.region.code, r.region.name, r.region.level, r.category, result.period, r.period.key, r.period.firstDate, r.period.lastDate, ...figureCells(r), ...linkCells(r.needs)]);
  const t = result.total;
  rows.push([result.region.code, result.region.name, result.region.level, result.category, result.period, 'all', result.from ?? '', result.to ?? '', ...figureCells(t), ...linkCells(t.needs)]);
  return csv(['region_code', 'region_name', 'region_level', 'category', 'period', 'bucket', 'first_date', 'last_date', ...FIGURE_COLUMNS, ...LINK_COLUMNS], rows);
}

export function summaryCsv(result: Awaited<ReturnType<MonitoringQueries['summary']>>): string {
  const head = [result.region.code, result.region.name, result.category, result.period];
  const rows = result.rows.map((r) => [
    ...head, r.period.key, r.period.firstDate, r.period.lastDate, ...figureCells(r.needs), r.teamsFormed,
    ...moneyCells(r.donations), '', '', '', '', '', ...linkCells(r.needs.links), '', '',
  ]);
  const t = result.total;
  const c = t.coverage;
  rows.push([
    ...head, 'all', result.from ?? '', result.to ?? '', ...figureCells(t.needs), t.teams.formed,
    ...moneyCells(t.donations),
    c.keyVillages, c.coveredVillages, c.villageCoverage ?? '', c.keyTowns, c.coveredTowns,
    ...linkCells(t.needs.links), t.teams.link, c.link,
  ]);
  return csv(
    [
      'region_code', 'region_name', 'category', 'period', 'bucket', 'first_date', 'last_date', ...FIGURE_COLUMNS, 'teams_formed',
      ...MONEY_COLUMNS, ...MONEY_LINK_COLUMNS,
      'key_villages_now', 'covered_key_villages_now', 'key_village_coverage_now', 'key_towns_now', 'covered_key_towns_now',
      ...LINK_COLUMNS, 'teams_link', 'key_village_pairings_link',
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

/** Every part of a money figure, one line per event behind it (the part's amount repeated on each of its lines). */
export function sourcesCsv(result: Awaited<ReturnType<MonitoringQueries['sources']>>): string {
  const rows: unknown[][] = [];
  result.items.forEach((p, i) => {
    for (const e of p.events) {
      rows.push([result.figure, result.region.code, i + 1, p.fen, p.bucket, p.at, p.villageCode ?? '', p.villageName, p.holder, p.flowId, p.rootFlowId ?? '', e.id, e.stream, e.revision, e.position, e.type, e.occurredAt, e.amount, e.unit]);
    }
  });
  return csv(
    ['figure', 'region_code', 'part', 'part_fen', 'bucket', 'dated_at', 'village_code', 'village_name', 'holder', 'flow_id', 'gift_flow_id', 'event_id', 'stream', 'revision', 'position', 'type', 'occurred_at', 'event_amount', 'event_unit'],
    rows,
  );
}
