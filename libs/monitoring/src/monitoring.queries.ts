import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, forbidden, invalid, notFound, withinScope } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { eventsOfParts, moneyInRegion, MoneyInRegion, signedAmount } from '@shecun/donations';
import { PairingsQueries, teamsWithin } from '@shecun/organizations';
import { RegionsService } from '@shecun/regions';
import { DataSource } from 'typeorm';
import { FiguresAccumulator } from './figures';
import { CohortIndex } from './cohort-index';
import { cohort } from './monitoring.cohort';
import { moneyLinks, needsLinks, query } from './monitoring.links';
import {
  checkDates,
  CohortFilter,
  DrillDownRequest,
  FiguresRequest,
  LEVEL_OF_LENGTH,
  MONEY_FIELDS,
  MoneyFigures,
  REGION_CODE_LENGTH,
  RegionRef,
  SourcesRequest,
  zeroMoney,
} from './monitoring.requests';
import { bucketOf, bucketRange, bucketsOfDate, chinaDate } from './periods';

export { MONEY_FIELDS, REGION_CODE_LENGTH, REGION_LEVELS } from './monitoring.requests';
export type { CohortFilter, DrillDownRequest, FiguresRequest, MoneyFigures, RegionLevel, SourcesRequest } from './monitoring.requests';

/** Roles that see the dashboard: bureau staff and auditors within their scope, administrators everywhere. */
const DASHBOARD_ROLES = ['bureau', 'auditor', 'admin', 'system'];

const HOUR_S = 3600;

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
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly index: CohortIndex,
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

  /**
   * Needs figures by region of one level within a region, by period bucket (and by category on
   * request), with the total over all of them. Each figure links to the needs behind it.
   */
  async figures(actor: Actor, request: FiguresRequest) {
    const within = this.region(actor, request.region);
    checkDates(request);
    const level = request.level ?? within.level;
    const length = REGION_CODE_LENGTH[level];
    if (length < within.code.length) throw invalid(`level ${level} is above the region ${within.code} (${within.level}); choose ${within.level} or below`);
    const filter = { ...request, region: within.code };
    // The table's figures for this question, counted once per change of the table.
    return this.index.summarize(filter, `figures|${level}|${request.byCategory ? 'byCategory' : ''}`, (cohort) => {
      const { groups, total } = cohort.groups(length, request.period, request.byCategory ?? false);
      const rows = groups
        .map((g) => ({ ...g, category: g.category ?? request.category }))
        .sort((a, b) => (a.region !== b.region ? (a.region < b.region ? -1 : 1) : a.bucket !== b.bucket ? (a.bucket < b.bucket ? -1 : 1) : (a.category ?? '') < (b.category ?? '') ? -1 : 1))
        .map((g) => ({
          region: this.regionRef(g.region),
          category: g.category ?? 'all',
          period: { key: g.bucket, ...bucketRange(request.period, g.bucket)! },
          ...g.figures.result(),
          needs: needsLinks(filter, g.region, g.category, g.bucket),
        }));
      return {
        region: within,
        level,
        period: request.period,
        from: request.from ?? null,
        to: request.to ?? null,
        category: request.category ?? 'all',
        total: { ...total.result(), needs: needsLinks(filter, within.code, request.category, undefined) },
        rows,
      };
    });
  }

  /** The needs behind one figure of one bucket, each with a link to its events. */
  async needs(actor: Actor, request: DrillDownRequest, options: { all?: boolean } = {}) {
    const region = this.region(actor, request.region);
    checkDates(request);
    let dates: { first?: string; last?: string } = {};
    if (request.bucket !== undefined) {
      const range = bucketRange(request.period, request.bucket);
      if (!range) throw invalid(`bucket ${request.bucket} is not a ${request.period} (e.g. ${bucketOf(new Date(), request.period)})`);
      dates = { first: range.firstDate, last: range.lastDate };
    }
    const qb = cohort(this.dataSource, { ...request, region: region.code }, dates);
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
   * The events behind one money figure of a region (and bucket): every counted part with its
   * amount in fen, its village (or 未分配 with its holder) and the events in the flows' streams
   * that make it, read from the event store. The parts add up to the figure.
   */
  async sources(actor: Actor, request: SourcesRequest, options: { all?: boolean } = {}) {
    const region = this.region(actor, request.region);
    checkDates(request);
    if (request.bucket !== undefined && !bucketRange(request.period, request.bucket)) {
      throw invalid(`bucket ${request.bucket} is not a ${request.period} (e.g. ${bucketOf(new Date(), request.period)})`);
    }
    const { parts, unitOf } = await moneyInRegion(this.dataSource, region.code, this.regions.rootCode);
    const selected = parts
      .filter((p) => p.figure === request.figure && (!request.unallocated || p.villageCode === null))
      .filter((p) => {
        const day = chinaDate(p.at);
        if ((request.from && day < request.from) || (request.to && day > request.to)) return false;
        return request.bucket === undefined || bucketsOfDate(day)[request.period] === request.bucket;
      })
      .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.flowId !== b.flowId ? (a.flowId < b.flowId ? -1 : 1) : (a.villageCode ?? '') < (b.villageCode ?? '') ? -1 : 1));
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? 20;
    const shown = options.all ? selected : selected.slice((page - 1) * pageSize, page * pageSize);
    const eventsOfShown = await eventsOfParts(this.store, shown);
    const items = [];
    for (const [i, part] of shown.entries()) {
      const events = eventsOfShown[i];
      const day = chinaDate(part.at);
      items.push({
        fen: part.fen,
        at: part.at,
        bucket: bucketsOfDate(day)[request.period],
        villageCode: part.villageCode,
        villageName: part.villageCode ? (this.regions.get(part.villageCode)?.name ?? '') : '未分配 (unallocated)',
        holder: part.holder,
        flowId: part.flowId,
        rootFlowId: part.rootFlowId,
        trace: `/api/donations/${encodeURIComponent(part.flowId)}/trace`,
        events: events.map((e) => ({
          id: e.id,
          stream: e.streamName,
          revision: e.revision,
          position: e.position,
          type: e.type,
          occurredAt: e.metadata.occurredAt,
          amount: signedAmount(e),
          unit: unitOf((e.data as { flowId: string }).flowId),
        })),
      });
    }
    return {
      region,
      figure: request.figure,
      period: request.period,
      bucket: request.bucket ?? null,
      from: request.from ?? null,
      to: request.to ?? null,
      unallocated: request.unallocated ?? false,
      totalFen: selected.reduce((sum, p) => sum + p.fen, 0),
      total: selected.length,
      page: options.all ? 1 : page,
      pageSize: options.all ? selected.length : pageSize,
      items,
    };
  }

  /**
   * One region by period bucket: the needs figures, teams formed, and donated money and goods (in
   * fen of value) by the counting rules — received from outside, transferred between
   * organizations, allocated, used, used with evidence and confirmed for its villages (at the
   * province also the unallocated part) — each with a link to the events behind it; with the
   * current pairing coverage of its key villages and towns. `money`: the region's counted parts
   * when the caller has read them already (the bureau report splits the same parts by sub-region).
   */
  async summary(actor: Actor, filter: CohortFilter, money?: MoneyInRegion['parts']) {
    const region = this.region(actor, filter.region);
    checkDates(filter);
    const f = { ...filter, region: region.code };
    const buckets = new Map<string, { needs: FiguresAccumulator; teamsFormed: number; donations: MoneyFigures; unallocated: MoneyFigures }>();
    const bucket = (key: string) => {
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { needs: new FiguresAccumulator(), teamsFormed: 0, donations: zeroMoney(), unallocated: zeroMoney() }));
      return b;
    };
    /** The bucket of an instant's China-time date, if that date is within from…to. */
    const inRange = (instant: string | null): string | undefined => {
      if (!instant) return undefined;
      const day = chinaDate(instant);
      if ((f.from && day < f.from) || (f.to && day > f.to)) return undefined;
      return bucketsOfDate(day)[f.period];
    };
    const { groups, total: needs } = (await this.index.selection(f)).groups(region.code.length, f.period, false);
    for (const group of groups) bucket(group.bucket).needs = group.figures;

    // Teams (组团帮扶) formed for an area within the region, by the date they were formed.
    let teamsFormed = 0;
    let activeTeams = 0;
    for (const team of await teamsWithin(this.dataSource, region.code)) {
      if (f.category && !(team.categories as string[]).includes(f.category)) continue;
      if (team.status === 'active') activeTeams += 1;
      const key = inRange(team.formedAt);
      if (!key) continue;
      bucket(key).teamsFormed += 1;
      teamsFormed += 1;
    }

    // Donations, by the counting rules (libs/donations/src/counting.ts): each part of a gift counted
    // once, in the region of the village it is allocated to; unallocated parts at the province only.
    const parts = money ?? (await moneyInRegion(this.dataSource, region.code, this.regions.rootCode)).parts;
    const donations = { ...zeroMoney(), flows: new Set(parts.map((p) => p.flowId)).size };
    const unallocated = zeroMoney();
    for (const part of parts) {
      const key = inRange(part.at);
      if (!key) continue;
      const field = MONEY_FIELDS[part.figure];
      bucket(key).donations[field] += part.fen;
      donations[field] += part.fen;
      if (part.villageCode === null) {
        bucket(key).unallocated[field] += part.fen;
        unallocated[field] += part.fen;
      }
    }
    const province = region.level === 'province';
    const coverage = (await this.pairings.coverage(region.code)).total;
    const rows = [...buckets.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, b]) => ({
        period: { key, ...bucketRange(f.period, key)! },
        needs: { ...b.needs.result(), links: needsLinks(f, region.code, f.category, key) },
        teamsFormed: b.teamsFormed,
        donations: {
          ...b.donations,
          unallocated: province ? { receivedFen: b.unallocated.receivedFen, transferredFen: b.unallocated.transferredFen, sources: moneyLinks(f, region.code, key, true) } : null,
          sources: moneyLinks(f, region.code, key),
        },
      }));
    return {
      region,
      period: f.period,
      from: f.from ?? null,
      to: f.to ?? null,
      category: f.category ?? 'all',
      total: {
        needs: { ...needs.result(), links: needsLinks(f, region.code, f.category, undefined) },
        teams: { formed: teamsFormed, activeNow: activeTeams, link: `/api/teams?${query({ division: region.code })}` },
        donations: {
          ...donations,
          unallocated: province ? { receivedFen: unallocated.receivedFen, transferredFen: unallocated.transferredFen, sources: moneyLinks(f, region.code, undefined, true) } : null,
          sources: moneyLinks(f, region.code, undefined),
          link: `/api/donations?${query({ villageCode: region.code })}`,
        },
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

