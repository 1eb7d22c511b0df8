import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, forbidden, invalid, notFound, withinScope } from '@shecun/core';
import { allocationVillage, DonationFlowView, FlowState, netAllocation, publishedFigures, valueOf } from '@shecun/donations';
import { PairingsQueries, TeamState, TeamView } from '@shecun/organizations';
import { RegionsService } from '@shecun/regions';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { Figure, FiguresAccumulator } from './figures';
import { MonitoredNeed } from './monitoring.projection';
import { bucketOf, bucketRange, bucketsOfDate, chinaDate, isCalendarDate, Period } from './periods';

export const REGION_LEVELS = ['province', 'city', 'county', 'town'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];
export const REGION_CODE_LENGTH: Record<RegionLevel, number> = { province: 2, city: 4, county: 6, town: 9 };
const LEVEL_OF_LENGTH = new Map<number, RegionLevel>(REGION_LEVELS.map((l) => [REGION_CODE_LENGTH[l], l]));

/** Roles that see the dashboard: bureau staff and auditors within their scope, administrators everywhere. */
const DASHBOARD_ROLES = ['bureau', 'auditor', 'admin', 'system'];

export interface CohortFilter {
  /** Region (a division code of 2, 4, 6 or 9 digits): needs of villages whose code starts with it; default the caller's scope. */
  region?: string;
  period: Period;
  /** China-time publishing dates, inclusive. */
  from?: string;
  to?: string;
  category?: string;
}

export interface FiguresRequest extends CohortFilter {
  /** Rows per region of this level within `region`; default the region's own level. */
  level?: RegionLevel;
  /** One row per category, instead of all categories together. */
  byCategory?: boolean;
}

export interface DrillDownRequest extends CohortFilter {
  figure: Figure;
  /** One period bucket (e.g. 2025-03); all buckets of the range when absent. */
  bucket?: string;
  page?: number;
  pageSize?: number;
}

const HOUR_S = 3600;
const NEEDS_LINK = '/api/dashboard/needs';

type RegionRef = { code: string; name: string; level: RegionLevel };

const query = (params: Record<string, string | number | boolean | undefined>) =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

/**
 * The bureau's monitoring queries over the monitoring read model (and, for the region summary,
 * the pairings, teams and donations read models). Nothing here replays events.
 */
@Injectable()
export class MonitoringQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly pairings: PairingsQueries,
  ) {}

  /**
   * Who may ask about which region: bureau staff and auditors within their scope prefix (a
   * region outside it, or above it, is refused with 403), administrators anywhere; everyone else
   * is refused with 403. An unknown region is 404; a malformed one 422.
   */
  region(actor: Actor, code: string | undefined): RegionRef {
    if (!DASHBOARD_ROLES.includes(actor.role)) {
      throw forbidden(`角色 ${actor.role} 不能查看监测数据 (role ${actor.role} may not see the monitoring dashboard: bureau staff, auditors and administrators only)`);
    }
    const region = code ?? (actor.role === 'bureau' || actor.role === 'auditor' ? actor.scope : undefined) ?? this.regions.rootCode;
    const level = LEVEL_OF_LENGTH.get(region.length);
    if (!/^\d+$/.test(region) || !level) throw invalid('region must be a division code of 2, 4, 6 or 9 digits (province, city, county or town)');
    if ((actor.role === 'bureau' || actor.role === 'auditor') && !withinScope(region, actor.scope)) {
      throw forbidden(`区域 ${region} 不在您的管辖范围 (region ${region} is outside your scope ${actor.scope ?? '(none)'})`);
    }
    const division = this.regions.get(region);
    if (!division) throw notFound(`区域 ${region} 不存在 (no such region)`);
    return { code: region, name: division.name, level };
  }

  private regionRef(code: string): RegionRef {
    return { code, name: this.regions.get(code)?.name ?? '', level: LEVEL_OF_LENGTH.get(code.length)! };
  }

  private checkDates(filter: CohortFilter): void {
    for (const [name, value] of [['from', filter.from], ['to', filter.to]] as const) {
      if (value !== undefined && !isCalendarDate(value)) throw invalid(`${name} must be a calendar date YYYY-MM-DD`);
    }
    if (filter.from && filter.to && filter.from > filter.to) throw invalid('from must not be after to');
  }

  /** The cohort's needs: published, of villages in the region, within the dates and category. */
  private cohort(filter: CohortFilter & { region: string }, dates: { first?: string; last?: string } = {}): SelectQueryBuilder<MonitoredNeed> {
    const qb = this.dataSource
      .getRepository(MonitoredNeed)
      .createQueryBuilder('n')
      // A code prefix as a range: ':' sorts right after '9'.
      .where('n.villageCode >= :lo AND n.villageCode < :hi', { lo: filter.region, hi: `${filter.region}:` })
      .andWhere('n.publishedDate IS NOT NULL');
    const first = [filter.from, dates.first].filter(Boolean).sort().at(-1);
    const last = [filter.to, dates.last].filter(Boolean).sort()[0];
    if (first) qb.andWhere('n.publishedDate >= :first', { first });
    if (last) qb.andWhere('n.publishedDate <= :last', { last });
    if (filter.category) qb.andWhere('n.category = :category', { category: filter.category });
    return qb;
  }

  private async cohortRows(filter: CohortFilter & { region: string }) {
    return this.cohort(filter)
      .select(['n.villageCode', 'n.category', 'n.publishedAt', 'n.publishedDate', 'n.firstAcceptedAt', 'n.fullyCommittedAt', 'n.fulfilledAt', 'n.teamCommitments', 'n.teamCommitmentsDelivered'])
      .getMany();
  }

  private drillDown(filter: CohortFilter, region: string, category: string | undefined, bucket: string | undefined) {
    return (figure: Figure) =>
      `${NEEDS_LINK}?${query({ region, period: filter.period, bucket, category, from: filter.from, to: filter.to, figure })}`;
  }

  private links(filter: CohortFilter, region: string, category: string | undefined, bucket: string | undefined) {
    const link = this.drillDown(filter, region, category, bucket);
    return {
      published: link('published'),
      matched: link('matched'),
      fullyCommitted: link('fully_committed'),
      fulfilled: link('fulfilled'),
      teamCommitments: link('team_commitments'),
      teamCommitmentsDelivered: link('team_delivered'),
    };
  }

  /**
   * Needs figures by region of one level within a region, by period bucket (and by category on
   * request), with the total over all of them. Each figure links to the needs behind it.
   */
  async figures(actor: Actor, request: FiguresRequest) {
    const within = this.region(actor, request.region);
    this.checkDates(request);
    const level = request.level ?? within.level;
    const length = REGION_CODE_LENGTH[level];
    if (length < within.code.length) throw invalid(`level ${level} is above the region ${within.code} (${within.level}); choose ${within.level} or below`);
    const filter = { ...request, region: within.code };
    const groups = new Map<string, { region: string; category: string | undefined; bucket: string; figures: FiguresAccumulator }>();
    const total = new FiguresAccumulator();
    for (const need of await this.cohortRows(filter)) {
      const region = need.villageCode.slice(0, length);
      const category = request.byCategory ? need.category : request.category;
      const bucket = bucketsOfDate(need.publishedDate!)[request.period];
      const key = `${region}|${category ?? ''}|${bucket}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { region, category, bucket, figures: new FiguresAccumulator() }));
      group.figures.add(need);
      total.add(need);
    }
    const rows = [...groups.values()]
      .sort((a, b) => (a.region !== b.region ? (a.region < b.region ? -1 : 1) : a.bucket !== b.bucket ? (a.bucket < b.bucket ? -1 : 1) : (a.category ?? '') < (b.category ?? '') ? -1 : 1))
      .map((g) => ({
        region: this.regionRef(g.region),
        category: g.category ?? 'all',
        period: { key: g.bucket, ...bucketRange(request.period, g.bucket)! },
        ...g.figures.result(),
        needs: this.links(filter, g.region, g.category, g.bucket),
      }));
    return {
      region: within,
      level,
      period: request.period,
      from: request.from ?? null,
      to: request.to ?? null,
      category: request.category ?? 'all',
      total: { ...total.result(), needs: this.links(filter, within.code, request.category, undefined) },
      rows,
    };
  }

  /** The needs behind one figure of one bucket, each with a link to its events. */
  async needs(actor: Actor, request: DrillDownRequest, options: { all?: boolean } = {}) {
    const region = this.region(actor, request.region);
    this.checkDates(request);
    let dates: { first?: string; last?: string } = {};
    if (request.bucket !== undefined) {
      const range = bucketRange(request.period, request.bucket);
      if (!range) throw invalid(`bucket ${request.bucket} is not a ${request.period} (e.g. ${bucketOf(new Date(), request.period)})`);
      dates = { first: range.firstDate, last: range.lastDate };
    }
    const qb = this.cohort({ ...request, region: region.code }, dates);
    switch (request.figure) {
      case 'matched': qb.andWhere('n.firstAcceptedAt IS NOT NULL'); break;
      case 'fully_committed': qb.andWhere('n.fullyCommittedAt IS NOT NULL'); break;
      case 'fulfilled': qb.andWhere('n.fulfilledAt IS NOT NULL'); break;
      case 'team_commitments': qb.andWhere('n.teamCommitments > 0'); break;
      case 'team_delivered': qb.andWhere('n.teamCommitmentsDelivered > 0'); break;
      case 'published': break;
    }
    qb.orderBy('n.publishedAt', 'ASC').addOrderBy('n.needId', 'ASC');
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? 20;
    if (!options.all) qb.skip((page - 1) * pageSize).take(pageSize);
    const [rows, total] = await qb.getManyAndCount();
    const hours = (from: string | null, to: string | null) => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 / HOUR_S : null);
    return {
      region,
      figure: request.figure,
      period: request.period,
      bucket: request.bucket ?? null,
      category: request.category ?? 'all',
      page: options.all ? 1 : page,
      pageSize: options.all ? total : pageSize,
      total,
      items: rows.map((n) => ({
        id: n.needId,
        title: n.title,
        villageCode: n.villageCode,
        villageName: this.regions.get(n.villageCode)?.name ?? '',
        category: n.category,
        status: n.status,
        publishedAt: n.publishedAt,
        firstAcceptedAt: n.firstAcceptedAt,
        fullyCommittedAt: n.fullyCommittedAt,
        fulfilledAt: n.fulfilledAt,
        endedAt: n.endedAt,
        hoursToFirstAcceptance: hours(n.publishedAt, n.firstAcceptedAt),
        hoursToFulfilment: hours(n.publishedAt, n.fulfilledAt),
        teamCommitments: n.teamCommitments,
        teamCommitmentsDelivered: n.teamCommitmentsDelivered,
        events: `/api/needs/${encodeURIComponent(n.needId)}/events`,
      })),
    };
  }

  /**
   * One region by period bucket: the needs figures, teams formed, and donation money and goods
   * (in fen of value) received, allocated, used and confirmed for its villages; with the current
   * pairing coverage of its key villages and towns.
   */
  async summary(actor: Actor, filter: CohortFilter) {
    const region = this.region(actor, filter.region);
    this.checkDates(filter);
    const f = { ...filter, region: region.code };
    const buckets = new Map<string, { needs: FiguresAccumulator; teamsFormed: number; receivedFen: number; allocatedFen: number; usedFen: number; confirmedFen: number }>();
    const bucket = (key: string) => {
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { needs: new FiguresAccumulator(), teamsFormed: 0, receivedFen: 0, allocatedFen: 0, usedFen: 0, confirmedFen: 0 }));
      return b;
    };
    /** The bucket of an instant's China-time date, if that date is within from…to. */
    const inRange = (instant: string | null): string | undefined => {
      if (!instant) return undefined;
      const day = chinaDate(instant);
      if ((f.from && day < f.from) || (f.to && day > f.to)) return undefined;
      return bucketsOfDate(day)[f.period];
    };
    const needs = new FiguresAccumulator();
    for (const need of await this.cohortRows(f)) {
      bucket(bucketsOfDate(need.publishedDate!)[f.period]).needs.add(need);
      needs.add(need);
    }

    // Teams (组团帮扶) formed for an area within the region, by the date they were formed.
    const teams = await this.dataSource.getRepository(TeamView).createQueryBuilder('t')
      .where('t.targetCode >= :lo AND t.targetCode < :hi', { lo: region.code, hi: `${region.code}:` }).getMany();
    let teamsFormed = 0;
    let activeTeams = 0;
    for (const row of teams) {
      const team = JSON.parse(row.state) as TeamState;
      if (f.category && !(team.categories as string[]).includes(f.category)) continue;
      if (team.status === 'active') activeTeams += 1;
      const key = inRange(team.formedAt);
      if (!key) continue;
      bucket(key).teamsFormed += 1;
      teamsFormed += 1;
    }

    // Donations for the region's villages: allocations to them, uses on them and confirmations, by
    // date; receipts of the flows that allocate to them (a flow counts wholly in each region it serves).
    const flows = await this.dataSource.getRepository(DonationFlowView).createQueryBuilder('f')
      .where('f.villageCodes LIKE :v', { v: `%,${region.code}%` }).getMany();
    const donations = { receivedFen: 0, allocatedFen: 0, usedFen: 0, confirmedFen: 0, flows: 0 };
    for (const row of flows) {
      const s = JSON.parse(row.state) as FlowState;
      donations.flows += 1;
      const add = (instant: string | null, field: 'receivedFen' | 'allocatedFen' | 'usedFen' | 'confirmedFen', fen: number) => {
        const key = inRange(instant);
        if (!key || fen === 0) return;
        bucket(key)[field] += fen;
        donations[field] += fen;
      };
      add(s.receivedAt, 'receivedFen', publishedFigures(s).receivedFen);
      for (const a of s.allocations) if (allocationVillage(a)?.startsWith(region.code)) add(a.allocatedAt, 'allocatedFen', valueOf(s, netAllocation(a)));
      for (const u of s.uses) {
        if (!u.villageCode.startsWith(region.code)) continue;
        add(u.usedAt, 'usedFen', u.valueFen);
        if (u.confirmedAt) add(u.confirmedAt, 'confirmedFen', u.valueFen);
      }
    }

    const coverage = (await this.pairings.coverage(region.code)).total;
    const rows = [...buckets.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, b]) => ({
        period: { key, ...bucketRange(f.period, key)! },
        needs: { ...b.needs.result(), links: this.links(f, region.code, f.category, key) },
        teamsFormed: b.teamsFormed,
        donations: { receivedFen: b.receivedFen, allocatedFen: b.allocatedFen, usedFen: b.usedFen, confirmedFen: b.confirmedFen },
      }));
    return {
      region,
      period: f.period,
      from: f.from ?? null,
      to: f.to ?? null,
      category: f.category ?? 'all',
      total: {
        needs: { ...needs.result(), links: this.links(f, region.code, f.category, undefined) },
        teams: { formed: teamsFormed, activeNow: activeTeams, link: `/api/teams?${query({ division: region.code })}` },
        donations: { ...donations, link: `/api/donations?${query({ villageCode: region.code })}` },
        coverage: {
          keyVillages: coverage.keyVillages,
          coveredVillages: coverage.coveredVillages,
          villageCoverage: coverage.villageCoverage,
          keyTowns: coverage.keyTowns,
          coveredTowns: coverage.coveredTowns,
          asOf: 'now',
          link: `/api/pairings?${query({ division: region.code, status: 'active' })}`,
        },
      },
      rows,
    };
  }
}

