import { ExportColumnTable, exportColumns, ExportSheet } from '@shecun/core';
import { NeedFigures } from './figures';
import { MonitoringQueries } from './monitoring.queries';

/**
 * The dashboard's exports (CSV and XLSX through libs/core/src/spreadsheet-export.ts): one table of
 * columns (Chinese, English, kind) per export. Money figures are fen in, 元 and 分 out; instants
 * are shown in China time; first/last dates are already China-time calendar dates.
 */

const FIGURES: ExportColumnTable = {
  published: ['发布需求数', 'published', 'number'],
  matched: ['已对接需求数', 'matched', 'number'],
  fullyCommitted: ['已足额认领需求数', 'fully_committed', 'number'],
  fulfilled: ['已完成需求数', 'fulfilled', 'number'],
  matchRate: ['对接成功率', 'match_rate', 'number'],
  conversionRate: ['转化率', 'conversion_rate', 'number'],
  firstAcceptanceNeeds: ['首次接单计时需求数', 'first_acceptance_needs', 'number'],
  firstAcceptanceMedian: ['首次接单用时中位数（小时）', 'first_acceptance_median_hours', 'number'],
  firstAcceptanceP90: ['首次接单用时P90（小时）', 'first_acceptance_p90_hours', 'number'],
  fulfilmentNeeds: ['完成计时需求数', 'fulfilment_needs', 'number'],
  fulfilmentMedian: ['完成用时中位数（小时）', 'fulfilment_median_hours', 'number'],
  fulfilmentP90: ['完成用时P90（小时）', 'fulfilment_p90_hours', 'number'],
  teamCommitments: ['团队认领数', 'team_commitments', 'number'],
  teamDelivered: ['团队已交付数', 'team_commitments_delivered', 'number'],
};
const figureCells = (f: NeedFigures) => [
  f.published, f.matched, f.fullyCommitted, f.fulfilled, f.matchRate, f.conversionRate,
  f.timeToFirstAcceptance.needs, f.timeToFirstAcceptance.medianHours, f.timeToFirstAcceptance.p90Hours,
  f.timeToFulfilment.needs, f.timeToFulfilment.medianHours, f.timeToFulfilment.p90Hours, f.teamCommitments, f.teamCommitmentsDelivered,
];

/** Each needs figure's drill-down (the needs behind it, each linking to its events). */
const LINKS: ExportColumnTable = {
  published: ['发布需求明细', 'published_needs'],
  matched: ['已对接需求明细', 'matched_needs'],
  fullyCommitted: ['已足额认领需求明细', 'fully_committed_needs'],
  fulfilled: ['已完成需求明细', 'fulfilled_needs'],
  teamCommitments: ['团队认领需求明细', 'team_commitments_needs'],
  teamDelivered: ['团队已交付需求明细', 'team_delivered_needs'],
};
type NeedLinks = Record<'published' | 'matched' | 'fullyCommitted' | 'fulfilled' | 'teamCommitments' | 'teamCommitmentsDelivered', string>;
const linkCells = (l: NeedLinks) => [l.published, l.matched, l.fullyCommitted, l.fulfilled, l.teamCommitments, l.teamCommitmentsDelivered];

/** Money figures (fen of value, libs/donations/src/counting.ts) and the link to the events behind each. */
const MONEY: ExportColumnTable = {
  received: ['外部接收', 'received', 'money'],
  transferred: ['组织间转入', 'transferred', 'money'],
  allocated: ['已分配', 'allocated', 'money'],
  used: ['已使用', 'used', 'money'],
  evidenced: ['有凭证使用', 'evidenced', 'money'],
  confirmed: ['已确认', 'confirmed', 'money'],
  unallocatedReceived: ['未分配外部接收', 'unallocated_received', 'money'],
  unallocatedTransferred: ['未分配组织间转入', 'unallocated_transferred', 'money'],
  receivedEvents: ['外部接收来源事件', 'received_events'],
  transferredEvents: ['组织间转入来源事件', 'transferred_events'],
  allocatedEvents: ['已分配来源事件', 'allocated_events'],
  usedEvents: ['已使用来源事件', 'used_events'],
  evidencedEvents: ['有凭证使用来源事件', 'evidenced_events'],
  confirmedEvents: ['已确认来源事件', 'confirmed_events'],
  unallocatedReceivedEvents: ['未分配外部接收来源事件', 'unallocated_received_events'],
  unallocatedTransferredEvents: ['未分配组织间转入来源事件', 'unallocated_transferred_events'],
};
type Donations = Awaited<ReturnType<MonitoringQueries['summary']>>['total']['donations'];
const moneyCells = (d: Omit<Donations, 'flows' | 'link'>) => [
  d.receivedFen, d.transferredFen, d.allocatedFen, d.usedFen, d.evidencedFen, d.confirmedFen, d.unallocated?.receivedFen, d.unallocated?.transferredFen,
  d.sources.received, d.sources.transferred, d.sources.allocated, d.sources.used, d.sources.evidenced, d.sources.confirmed,
  d.unallocated?.sources.received, d.unallocated?.sources.transferred,
];

const BUCKET: ExportColumnTable = {
  period: ['周期', 'period'],
  bucket: ['时段', 'bucket'],
  firstDate: ['起始日期', 'first_date'],
  lastDate: ['截止日期', 'last_date'],
};

const FIGURES_COLUMNS = exportColumns({
  regionCode: ['区划代码', 'region_code'],
  regionName: ['区域名称', 'region_name'],
  regionLevel: ['区域层级', 'region_level'],
  category: ['类别', 'category'],
  ...BUCKET,
  ...FIGURES,
  ...LINKS,
});

export function figuresSheet(result: Awaited<ReturnType<MonitoringQueries['figures']>>): ExportSheet {
  const rows = result.rows.map((r) => [r.region.code, r.region.name, r.region.level, r.category, result.period, r.period.key, r.period.firstDate, r.period.lastDate, ...figureCells(r), ...linkCells(r.needs)]);
  const t = result.total;
  rows.push([result.region.code, result.region.name, result.region.level, result.category, result.period, 'all', result.from, result.to, ...figureCells(t), ...linkCells(t.needs)]);
  return { name: '供需对接监测', columns: FIGURES_COLUMNS, rows };
}

const SUMMARY_COLUMNS = exportColumns({
  regionCode: ['区划代码', 'region_code'],
  regionName: ['区域名称', 'region_name'],
  category: ['类别', 'category'],
  ...BUCKET,
  ...FIGURES,
  teamsFormed: ['组建团队数', 'teams_formed', 'number'],
  ...MONEY,
  keyVillages: ['重点村数（当前）', 'key_villages_now', 'number'],
  coveredVillages: ['已结对重点村数（当前）', 'covered_key_villages_now', 'number'],
  villageCoverage: ['重点村结对覆盖率（当前）', 'key_village_coverage_now', 'number'],
  keyTowns: ['重点镇数（当前）', 'key_towns_now', 'number'],
  coveredTowns: ['已结对重点镇数（当前）', 'covered_key_towns_now', 'number'],
  ...LINKS,
  teamsLink: ['团队明细', 'teams_link'],
  pairingsLink: ['重点村结对明细', 'key_village_pairings_link'],
});

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

const NEEDS_COLUMNS = exportColumns({
  id: ['需求编号', 'need_id'],
  title: ['需求标题', 'title'],
  villageCode: ['村区划代码', 'village_code'],
  villageName: ['村名称', 'village_name'],
  category: ['类别', 'category'],
  status: ['状态', 'status'],
  publishedAt: ['发布时间', 'published_at', 'instant'],
  firstAcceptedAt: ['首次接单时间', 'first_accepted_at', 'instant'],
  fullyCommittedAt: ['足额认领时间', 'fully_committed_at', 'instant'],
  fulfilledAt: ['完成时间', 'fulfilled_at', 'instant'],
  endedAt: ['结束时间', 'ended_at', 'instant'],
  hoursToFirstAcceptance: ['首次接单用时（小时）', 'hours_to_first_acceptance', 'number'],
  hoursToFulfilment: ['完成用时（小时）', 'hours_to_fulfilment', 'number'],
  teamCommitments: ['团队认领数', 'team_commitments', 'number'],
  teamDelivered: ['团队已交付数', 'team_commitments_delivered', 'number'],
  events: ['事件明细', 'events'],
});

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

const SOURCES_COLUMNS = exportColumns({
  figure: ['指标', 'figure'],
  regionCode: ['区划代码', 'region_code'],
  part: ['部分序号', 'part', 'number'],
  partAmount: ['部分金额', 'part', 'money'],
  bucket: ['时段', 'bucket'],
  at: ['计入时间', 'dated_at', 'instant'],
  villageCode: ['村区划代码', 'village_code'],
  villageName: ['村名称', 'village_name'],
  holder: ['持有组织', 'holder'],
  flowId: ['捐赠流编号', 'flow_id'],
  rootFlowId: ['原始捐赠流编号', 'gift_flow_id'],
  eventId: ['事件编号', 'event_id'],
  stream: ['事件流', 'stream'],
  revision: ['版本', 'revision', 'number'],
  position: ['位置', 'position', 'number'],
  type: ['事件类型', 'type'],
  occurredAt: ['发生时间', 'occurred_at', 'instant'],
  eventAmount: ['事件数量', 'event_amount', 'number'],
  eventUnit: ['事件单位', 'event_unit'],
});

/** Every part of a money figure, one line per event behind it (the part's amount repeated on each of its lines). */
export function sourcesSheet(result: Awaited<ReturnType<MonitoringQueries['sources']>>): ExportSheet {
  const rows: unknown[][] = [];
  result.items.forEach((p, i) => {
    for (const e of p.events) {
      rows.push([result.figure, result.region.code, i + 1, p.fen, p.bucket, p.at, p.villageCode, p.villageName, p.holder, p.flowId, p.rootFlowId, e.id, e.stream, e.revision, e.position, e.type, e.occurredAt, e.amount, e.unit]);
    }
  });
  return { name: '指标来源事件', columns: SOURCES_COLUMNS, rows };
}
