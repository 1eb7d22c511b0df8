import { ExportColumnTable, exportColumns, ExportSheet } from '@shecun/core';
import { NeedFigures } from './figures';
import { MonitoringQueries } from './monitoring.queries';

/**
 * The dashboard's exports (CSV and XLSX through libs/core/src/spreadsheet-export.ts): one table of
 * columns (Chinese, English, kind) per export. Money figures are fen in, 元 and 分 out; instants
 * are shown in China time; first/last dates are already China-time calendar dates.
 */

const FIGURES: ExportColumnTable = [
  ['发布需求数', 'published', 'number'],
  ['已对接需求数', 'matched', 'number'],
  ['已足额认领需求数', 'fully_committed', 'number'],
  ['已完成需求数', 'fulfilled', 'number'],
  ['对接成功率', 'match_rate', 'number'],
  ['转化率', 'conversion_rate', 'number'],
  ['首次接单计时需求数', 'first_acceptance_needs', 'number'],
  ['首次接单用时中位数（小时）', 'first_acceptance_median_hours', 'number'],
  ['首次接单用时P90（小时）', 'first_acceptance_p90_hours', 'number'],
  ['完成计时需求数', 'fulfilment_needs', 'number'],
  ['完成用时中位数（小时）', 'fulfilment_median_hours', 'number'],
  ['完成用时P90（小时）', 'fulfilment_p90_hours', 'number'],
  ['团队认领数', 'team_commitments', 'number'],
  ['团队已交付数', 'team_commitments_delivered', 'number'],
];
const figureCells = (f: NeedFigures) => [
  f.published, f.matched, f.fullyCommitted, f.fulfilled, f.matchRate, f.conversionRate,
  f.timeToFirstAcceptance.needs, f.timeToFirstAcceptance.medianHours, f.timeToFirstAcceptance.p90Hours,
  f.timeToFulfilment.needs, f.timeToFulfilment.medianHours, f.timeToFulfilment.p90Hours, f.teamCommitments, f.teamCommitmentsDelivered,
];

/** Each needs figure's drill-down (the needs behind it, each linking to its events). */
const LINKS: ExportColumnTable = [
  ['发布需求明细', 'published_needs'],
  ['已对接需求明细', 'matched_needs'],
  ['已足额认领需求明细', 'fully_committed_needs'],
  ['已完成需求明细', 'fulfilled_needs'],
  ['团队认领需求明细', 'team_commitments_needs'],
  ['团队已交付需求明细', 'team_delivered_needs'],
];
type NeedLinks = Record<'published' | 'matched' | 'fullyCommitted' | 'fulfilled' | 'teamCommitments' | 'teamCommitmentsDelivered', string>;
const linkCells = (l: NeedLinks) => [l.published, l.matched, l.fullyCommitted, l.fulfilled, l.teamCommitments, l.teamCommitmentsDelivered];

/** Money figures (fen of value, libs/donations/src/counting.ts) and the link to the events behind each. */
const MONEY: ExportColumnTable = [
  ['外部接收', 'received', 'money'],
  ['组织间转入', 'transferred', 'money'],
  ['已分配', 'allocated', 'money'],
  ['已使用', 'used', 'money'],
  ['有凭证使用', 'evidenced', 'money'],
  ['已确认', 'confirmed', 'money'],
  ['未分配外部接收', 'unallocated_received', 'money'],
  ['未分配组织间转入', 'unallocated_transferred', 'money'],
  ['外部接收来源事件', 'received_events'],
  ['组织间转入来源事件', 'transferred_events'],
  ['已分配来源事件', 'allocated_events'],
  ['已使用来源事件', 'used_events'],
  ['有凭证使用来源事件', 'evidenced_events'],
  ['已确认来源事件', 'confirmed_events'],
  ['未分配外部接收来源事件', 'unallocated_received_events'],
  ['未分配组织间转入来源事件', 'unallocated_transferred_events'],
];
type Donations = Awaited<ReturnType<MonitoringQueries['summary']>>['total']['donations'];
const moneyCells = (d: Omit<Donations, 'flows' | 'link'>) => [
  d.receivedFen, d.transferredFen, d.allocatedFen, d.usedFen, d.evidencedFen, d.confirmedFen, d.unallocated?.receivedFen, d.unallocated?.transferredFen,
  d.sources.received, d.sources.transferred, d.sources.allocated, d.sources.used, d.sources.evidenced, d.sources.confirmed,
  d.unallocated?.sources.received, d.unallocated?.sources.transferred,
];

const BUCKET: ExportColumnTable = [
  ['周期', 'period'],
  ['时段', 'bucket'],
  ['起始日期', 'first_date'],
  ['截止日期', 'last_date'],
];

const FIGURES_COLUMNS = exportColumns([
  ['区划代码', 'region_code'],
  ['区域名称', 'region_name'],
  ['区域层级', 'region_level'],
  ['类别', 'category'],
  ...BUCKET,
  ...FIGURES,
  ...LINKS,
]);

export function figuresSheet(result: Awaited<ReturnType<MonitoringQueries['figures']>>): ExportSheet {
  const rows = result.rows.map((r) => [r.region.code, r.region.name, r.region.level, r.category, result.period, r.period.key, r.period.firstDate, r.period.lastDate, ...figureCells(r), ...linkCells(r.needs)]);
  const t = result.total;
  rows.push([result.region.code, result.region.name, result.region.level, result.category, result.period, 'all', result.from, result.to, ...figureCells(t), ...linkCells(t.needs)]);
  return { name: '供需对接监测', columns: FIGURES_COLUMNS, rows };
}

const SUMMARY_COLUMNS = exportColumns([
  ['区划代码', 'region_code'],
  ['区域名称', 'region_name'],
  ['类别', 'category'],
  ...BUCKET,
  ...FIGURES,
  ['组建团队数', 'teams_formed', 'number'],
  ...MONEY,
  ['重点村数（当前）', 'key_villages_now', 'number'],
  ['已结对重点村数（当前）', 'covered_key_villages_now', 'number'],
  ['重点村结对覆盖率（当前）', 'key_village_coverage_now', 'number'],
  ['重点镇数（当前）', 'key_towns_now', 'number'],
  ['已结对重点镇数（当前）', 'covered_key_towns_now', 'number'],
  ...LINKS,
  ['团队明细', 'teams_link'],
  ['重点村结对明细', 'key_village_pairings_link'],
]);

export function summarySheet(result: Awaited<ReturnType<MonitoringQueries['summary']>>): ExportSheet {
  const head = [result.region.code, result.region.name, result.category, result.period];
  const rows: unknown[][] = result.rows.map((r) => [
    ...head, r.period.key, r.period.firstDate, r.period.lastDate, ...figureCells(r.needs), r.teamsFormed,
    ...moneyCells(r.donations), '', '', '', '', '', ...linkCells(r.needs.links), '', '',
  ]);
  const t = result.total;
  const c = t.coverage;
  rows.push([
    ...head, 'all', result.from, result.to, ...figureCells(t.needs), t.teams.formed,
    ...moneyCells(t.donations),
    c.keyVillages, c.coveredVillages, c.villageCoverage, c.keyTowns, c.coveredTowns,
    ...linkCells(t.needs.links), t.teams.link, c.link,
  ]);
  return { name: '区域监测概览', columns: SUMMARY_COLUMNS, rows };
}

const NEEDS_COLUMNS = exportColumns([
  ['需求编号', 'need_id'],
  ['需求标题', 'title'],
  ['村区划代码', 'village_code'],
  ['村名称', 'village_name'],
  ['类别', 'category'],
  ['状态', 'status'],
  ['发布时间', 'published_at', 'instant'],
  ['首次接单时间', 'first_accepted_at', 'instant'],
  ['足额认领时间', 'fully_committed_at', 'instant'],
  ['完成时间', 'fulfilled_at', 'instant'],
  ['结束时间', 'ended_at', 'instant'],
  ['首次接单用时（小时）', 'hours_to_first_acceptance', 'number'],
  ['完成用时（小时）', 'hours_to_fulfilment', 'number'],
  ['团队认领数', 'team_commitments', 'number'],
  ['团队已交付数', 'team_commitments_delivered', 'number'],
  ['事件明细', 'events'],
]);

export function needsSheet(result: Awaited<ReturnType<MonitoringQueries['needs']>>): ExportSheet {
  return {
    name: '指标下钻需求',
    columns: NEEDS_COLUMNS,
    rows: result.items.map((n) => [
      n.id, n.title, n.villageCode, n.villageName, n.category, n.status, n.publishedAt, n.firstAcceptedAt, n.fullyCommittedAt, n.fulfilledAt, n.endedAt,
      n.hoursToFirstAcceptance, n.hoursToFulfilment, n.teamCommitments, n.teamCommitmentsDelivered, n.events,
    ]),
  };
}

const SOURCES_COLUMNS = exportColumns([
  ['指标', 'figure'],
  ['区划代码', 'region_code'],
  ['部分序号', 'part', 'number'],
  ['部分金额', 'part', 'money'],
  ['时段', 'bucket'],
  ['计入时间', 'dated_at', 'instant'],
  ['村区划代码', 'village_code'],
  ['村名称', 'village_name'],
  ['持有组织', 'holder'],
  ['捐赠流编号', 'flow_id'],
  ['原始捐赠流编号', 'gift_flow_id'],
  ['事件编号', 'event_id'],
  ['事件流', 'stream'],
  ['版本', 'revision', 'number'],
  ['位置', 'position', 'number'],
  ['事件类型', 'type'],
  ['发生时间', 'occurred_at', 'instant'],
  ['事件数量（按单位）', 'event_amount', 'number'],
  ['事件单位', 'event_unit'],
  ['事件金额', 'event_money', 'money'],
]);

/** Every part of a money figure, one line per event behind it (the part's amount repeated on each of its lines); a money event's amount in 元 and 分 too. */
export function sourcesSheet(result: Awaited<ReturnType<MonitoringQueries['sources']>>): ExportSheet {
  const rows: unknown[][] = [];
  result.items.forEach((p, i) => {
    for (const e of p.events) {
      rows.push([result.figure, result.region.code, i + 1, p.fen, p.bucket, p.at, p.villageCode, p.villageName, p.holder, p.flowId, p.rootFlowId, e.id, e.stream, e.revision, e.position, e.type, e.occurredAt, e.amount, e.unit, e.unit === '分' ? e.amount : null]);
    }
  });
  return { name: '指标来源事件', columns: SOURCES_COLUMNS, rows };
}
