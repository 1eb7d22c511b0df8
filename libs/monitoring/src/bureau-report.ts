import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, chinaDateTime, chinaToday, invalid } from '@shecun/core';
import { moneyInRegion, MoneyInRegion } from '@shecun/donations';
import { lackingItemsOf } from '@shecun/needs';
import { RegionsService } from '@shecun/regions';
import { DataSource } from 'typeorm';
import { NeedFigures } from './figures';
import { cohort } from './monitoring.cohort';
import { MonitoringQueries } from './monitoring.queries';
import { MONEY_FIELDS, MoneyFigures, REGION_LEVELS, RegionRef, zeroMoney } from './monitoring.requests';
import { bucketRange, chinaDate, Period } from './periods';

/**
 * The bureau's 月报 and 季报: one region (the caller's scope or a region within it) and one calendar
 * month (`2026-11`) or quarter (`2026-Q4`) in China time. Every figure is the monitoring context's:
 * the dashboard's summary and figures queries for the period (needs published in it, with their
 * milestones as reached so far; teams formed, money received / allocated / used in it), the
 * sub-regions one level down from the dashboard's figures by region and the donations' counting
 * rules (parts counted once, in the region of their village; 未分配 at the province), and the
 * oldest needs still lacking something.
 */

/** A month or a quarter of the years 2000–2999 (the platform keeps nothing older). */
export const REPORT_PERIOD = /^2\d{3}-(0[1-9]|1[0-2]|Q[1-4])$/;
export const REPORT_PERIOD_MESSAGE = '报表周期须为 2000 年以后的月份（如 2026-11）或季度（如 2026-Q4） (period must be a month such as 2026-11 or a quarter such as 2026-Q4, from 2000 on)';
/** Unmet needs listed in a report. */
export const TOP_UNMET = 10;

export interface ReportPeriod {
  key: string;
  kind: Extract<Period, 'month' | 'quarter'>;
  firstDate: string;
  lastDate: string;
  startsAt: string;
  endsAt: string;
}

/** `2026-11` or `2026-Q4` with its China-time dates and bounding instants; 422 for anything else. */
export function reportPeriod(key: string): ReportPeriod {
  const kind = key.includes('Q') ? 'quarter' : 'month';
  const range = REPORT_PERIOD.test(key) ? bucketRange(kind, key) : undefined;
  if (!range) throw invalid(REPORT_PERIOD_MESSAGE);
  return { key, kind, ...range };
}

export type ReportMoney = Pick<MoneyFigures, 'receivedFen' | 'transferredFen' | 'allocatedFen' | 'usedFen' | 'evidencedFen' | 'confirmedFen'>;

export interface SubRegionRow {
  /** A region one level down, or 未分配 (`code` null) at the province: money not yet allocated to a village. */
  code: string | null;
  name: string;
  published: number;
  matched: number;
  fulfilled: number;
  matchRate: number | null;
  conversionRate: number | null;
  money: ReportMoney;
}

export interface UnmetNeed {
  id: string;
  title: string;
  villageCode: string;
  villageName: string;
  category: string;
  status: string;
  publishedAt: string;
  /** Whole China-time days from the publishing date to the period's last date (or today, if earlier). */
  daysOpen: number;
  lacking: Array<{ description: string; unit: string; quantity: number; lacking: number }>;
}

export interface BureauReport {
  region: RegionRef;
  period: ReportPeriod;
  /** When it was made, China time (YYYY-MM-DD HH:mm:ss). */
  generatedAt: string;
  kpis: NeedFigures & { teamsFormed: number; keyVillages: number; coveredKeyVillages: number; keyVillageCoverage: number | null };
  money: ReportMoney & { unallocatedReceivedFen: number | null };
  subRegions: { level: string | null; rows: SubRegionRow[] };
  unmetNeeds: UnmetNeed[];
}

const OPEN_STATUSES = ['published', 'partially_committed'];
const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS));
const pick = (m: MoneyFigures): ReportMoney => ({
  receivedFen: m.receivedFen, transferredFen: m.transferredFen, allocatedFen: m.allocatedFen, usedFen: m.usedFen, evidencedFen: m.evidencedFen, confirmedFen: m.confirmedFen,
});

@Injectable()
export class BureauReports {
  constructor(
    private readonly queries: MonitoringQueries,
    private readonly regions: RegionsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async report(actor: Actor, regionCode: string | undefined, periodKey: string, now = new Date()): Promise<BureauReport> {
    const region = this.queries.region(actor, regionCode);
    const period = reportPeriod(periodKey);
    const dates = { region: region.code, period: period.kind, from: period.firstDate, to: period.lastDate };
    // Every flow's state in the region, read once: the summary's money and the sub-regions' split of it.
    const { parts } = await moneyInRegion(this.dataSource, region.code, this.regions.rootCode);
    const summary = await this.queries.summary(actor, dates, parts);
    const t = summary.total;
    const { links: _links, ...needs } = t.needs;
    void _links;
    return {
      region,
      period,
      generatedAt: chinaDateTime(now),
      kpis: {
        ...needs,
        teamsFormed: t.teams.formed,
        keyVillages: t.coverage.keyVillages,
        coveredKeyVillages: t.coverage.coveredVillages,
        keyVillageCoverage: t.coverage.villageCoverage,
      },
      money: { ...pick(t.donations), unallocatedReceivedFen: t.donations.unallocated?.receivedFen ?? null },
      subRegions: await this.subRegions(actor, region, period, parts),
      unmetNeeds: await this.unmetNeeds(region, period, now),
    };
  }

  /** One row per region one level down (all of them, zeros included), and 未分配 at the province. */
  private async subRegions(actor: Actor, region: RegionRef, period: ReportPeriod, parts: MoneyInRegion['parts']): Promise<BureauReport['subRegions']> {
    const level = REGION_LEVELS[REGION_LEVELS.indexOf(region.level) + 1];
    if (!level) return { level: null, rows: [] };
    const figures = await this.queries.figures(actor, { region: region.code, level, period: period.kind, from: period.firstDate, to: period.lastDate });
    const byCode = new Map(figures.rows.map((r) => [r.region.code, r]));
    const money = new Map<string | null, MoneyFigures>();
    const length = this.regions.children(region.code)[0]?.code.length ?? 0;
    for (const part of parts) {
      const day = chinaDate(part.at);
      if (day < period.firstDate || day > period.lastDate) continue;
      const key = part.villageCode === null ? null : part.villageCode.slice(0, length);
      const m = money.get(key) ?? zeroMoney();
      m[MONEY_FIELDS[part.figure]] += part.fen;
      money.set(key, m);
    }
    const rows: SubRegionRow[] = this.regions.children(region.code).map((child) => {
      const f = byCode.get(child.code);
      return {
        code: child.code,
        name: child.name,
        published: f?.published ?? 0,
        matched: f?.matched ?? 0,
        fulfilled: f?.fulfilled ?? 0,
        matchRate: f?.matchRate ?? null,
        conversionRate: f?.conversionRate ?? null,
        money: pick(money.get(child.code) ?? zeroMoney()),
      };
    });
    const unallocated = money.get(null);
    if (unallocated) rows.push({ code: null, name: '未分配', published: 0, matched: 0, fulfilled: 0, matchRate: null, conversionRate: null, money: pick(unallocated) });
    return { level, rows };
  }

  /**
   * The needs of the region published by the period's end that still lack something now (published
   * or partially committed), the longest open first; what each lacks from the needs context's reader.
   */
  private async unmetNeeds(region: RegionRef, period: ReportPeriod, now: Date): Promise<UnmetNeed[]> {
    const rows = await cohort(this.dataSource, { region: region.code, period: period.kind, to: period.lastDate })
      .andWhere('n.status IN (:...open)', { open: OPEN_STATUSES })
      .orderBy('n.publishedAt', 'ASC')
      .addOrderBy('n.needId', 'ASC')
      .take(TOP_UNMET)
      .getMany();
    const lacking = await lackingItemsOf(this.dataSource, rows.map((r) => r.needId));
    const today = chinaToday(now);
    const until = today < period.lastDate ? today : period.lastDate;
    return rows.map((n) => ({
      id: n.needId,
      title: n.title,
      villageCode: n.villageCode,
      villageName: this.regions.get(n.villageCode)?.name ?? '',
      category: n.category,
      status: n.status,
      publishedAt: n.publishedAt!,
      daysOpen: daysBetween(n.publishedDate!, until),
      lacking: (lacking.get(n.needId) ?? []).map((l) => ({ description: l.description, unit: l.unit, quantity: l.quantity, lacking: l.lacking })),
    }));
  }
}

/** 2026-11 → 2026年11月, 2026-Q4 → 2026年第4季度. */
export const periodLabel = (p: ReportPeriod): string =>
  p.kind === 'month' ? `${p.key.slice(0, 4)}年${Number(p.key.slice(5, 7))}月` : `${p.key.slice(0, 4)}年第${p.key.slice(6)}季度`;
export const reportTitle = (r: BureauReport): string => `${r.region.name}${r.period.kind === 'month' ? '月报' : '季报'}（${periodLabel(r.period)}）`;
