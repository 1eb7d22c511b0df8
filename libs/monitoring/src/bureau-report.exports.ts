import { exportColumns, ExportSheet } from '@shecun/core';
import { Category, CATEGORY_LABELS } from '@shecun/categories';
import { BureauReport, reportTitle } from './bureau-report';

/**
 * The report as an XLSX workbook (libs/core/src/spreadsheet-export.ts: Chinese headers, 元 with two
 * decimals next to the fen, instants in China time): 概况 (the report's heading and KPIs, one
 * figure a row), 下级区域, 捐赠汇总, 未满足需求.
 */

const FIGURE_COLUMNS = exportColumns([['指标', 'figure'], ['数值', 'value', 'number'], ['说明', 'note']]);

/** 教育帮扶 for education; an unknown category as it is. */
export const categoryLabel = (c: string): string => CATEGORY_LABELS[c as Category] ?? c;

const rate = (r: number | null) => (r === null ? null : Math.round(r * 10_000) / 10_000);

export function overviewSheet(r: BureauReport): ExportSheet {
  const k = r.kpis;
  const rows: unknown[][] = [
    ['报表', null, reportTitle(r)],
    ['区划代码', null, r.region.code],
    ['统计区间（北京时间）', null, `${r.period.firstDate} 至 ${r.period.lastDate}`],
    ['生成时间（北京时间）', null, r.generatedAt],
    ['发布需求数', k.published, '本期发布的需求'],
    ['已对接需求数', k.matched, '其中至少有一项接单被接受'],
    ['已足额认领需求数', k.fullyCommitted, ''],
    ['已完成需求数', k.fulfilled, '联络员确认完成'],
    ['对接成功率', rate(k.matchRate), '已对接 ÷ 发布'],
    ['转化率', rate(k.conversionRate), '已完成 ÷ 已对接'],
    ['首次接单用时中位数（小时）', k.timeToFirstAcceptance.medianHours, ''],
    ['完成用时中位数（小时）', k.timeToFulfilment.medianHours, ''],
    ['团队认领数', k.teamCommitments, ''],
    ['组建团队数', k.teamsFormed, '本期组建'],
    ['重点村数（当前）', k.keyVillages, ''],
    ['已结对重点村数（当前）', k.coveredKeyVillages, ''],
    ['重点村结对覆盖率（当前）', rate(k.keyVillageCoverage), ''],
  ];
  return { name: '概况', columns: FIGURE_COLUMNS, rows };
}

const SUB_REGION_COLUMNS = exportColumns([
  ['区划代码', 'region_code'],
  ['区域名称', 'region_name'],
  ['发布需求数', 'published', 'number'],
  ['已对接需求数', 'matched', 'number'],
  ['已完成需求数', 'fulfilled', 'number'],
  ['对接成功率', 'match_rate', 'number'],
  ['转化率', 'conversion_rate', 'number'],
  ['外部接收', 'received', 'money'],
  ['已分配', 'allocated', 'money'],
  ['已使用', 'used', 'money'],
]);

export function subRegionsSheet(r: BureauReport): ExportSheet {
  return {
    name: '下级区域',
    columns: SUB_REGION_COLUMNS,
    rows: r.subRegions.rows.map((s) => [s.code ?? '', s.name, s.published, s.matched, s.fulfilled, rate(s.matchRate), rate(s.conversionRate), s.money.receivedFen, s.money.allocatedFen, s.money.usedFen]),
  };
}

const MONEY_COLUMNS = exportColumns([['项目', 'item'], ['金额', 'amount', 'money'], ['说明', 'note']]);

export function moneySheet(r: BureauReport): ExportSheet {
  const m = r.money;
  const rows: unknown[][] = [
    ['外部接收', m.receivedFen, '来自外部的捐赠，每笔只计一次'],
    ['已分配', m.allocatedFen, '分配到本区域的村'],
    ['已使用', m.usedFen, ''],
    ['有凭证使用', m.evidencedFen, ''],
    ['受益方已确认', m.confirmedFen, ''],
    ['组织间转入', m.transferredFen, '转移，不是新增资金'],
  ];
  if (m.unallocatedReceivedFen !== null) rows.push(['其中未分配外部接收', m.unallocatedReceivedFen, '全省：尚未分配到村']);
  return { name: '捐赠汇总', columns: MONEY_COLUMNS, rows };
}

const UNMET_COLUMNS = exportColumns([
  ['需求标题', 'title'],
  ['村区划代码', 'village_code'],
  ['村名称', 'village_name'],
  ['类别', 'category'],
  ['尚缺', 'lacking'],
  ['已开放天数', 'days_open', 'number'],
  ['发布时间', 'published_at', 'instant'],
  ['需求编号', 'need_id'],
]);

/** 太阳能路灯 6/10 盏 — what is still lacking of what was asked. */
export const lackingText = (n: BureauReport['unmetNeeds'][number]): string =>
  n.lacking.map((l) => `${l.description} 缺${l.lacking}/${l.quantity}${l.unit}`).join('；');

export function unmetSheet(r: BureauReport): ExportSheet {
  return {
    name: '未满足需求',
    columns: UNMET_COLUMNS,
    rows: r.unmetNeeds.map((n) => [n.title, n.villageCode, n.villageName, categoryLabel(n.category), lackingText(n), n.daysOpen, n.publishedAt, n.id]),
  };
}

export const reportSheets = (r: BureauReport): ExportSheet[] => [overviewSheet(r), subRegionsSheet(r), moneySheet(r), unmetSheet(r)];

/**
 * The name (without its extension) of a report's XLSX and PDF, wherever they go (a download, a
 * notice's attachment): its region and period; a report as issued on the schedule says so.
 */
export const reportFileName = (region: string, period: string, issued = false): string => `${issued ? 'issued-report' : 'bureau-report'}-${region}-${period}`;
