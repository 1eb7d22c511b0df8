import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, conflict, forbidden, invalid, notFound, withinScope } from '@shecun/core';
import { Category, CATEGORY_LABELS } from '@shecun/categories';
import { ProjectionCheckpoint } from '@shecun/projections';
import { RegionsService } from '@shecun/regions';
import { DataSource, MoreThan } from 'typeorm';
import { MatchingIndex, NeedEntry, OrganizationEntry, RankedNeed, RankedOrganization } from './matching.index';
import { MATCHING_CHANGE_COUNTER, MatchingChangeCounter, MatchingNeedRow, MatchingOrganizationRow, MatchingPairingRow, MatchingProjection, MatchingTeamRow } from './matching.projection';
import { categoriesOf, categoryBit, Score, WEIGHTS, FAIRNESS } from './scoring';
import { greedyBound, slotsFor, SuggestionCandidate, SuggestionProblem, suggestTeam } from './team-suggestion';

const PROJECTION = new MatchingProjection().name;

/**
 * How the service learns which rows changed: 'checkpoint' (the default) where one projection
 * runner writes the tables and stamps rows with event positions (the embedded topology);
 * 'counter' where SequencedMatchingProjection stamps them with the `matching_changes` counter.
 */
export const MATCHING_CHANGE_FEED = Symbol('MATCHING_CHANGE_FEED');
export type MatchingChangeFeed = 'checkpoint' | 'counter';
const DEFAULT_LIMIT = 20;

/** Who may see a need's candidates: its village's coordinators, bureau staff and auditors in scope, admins. */
function requireCandidateReader(actor: Actor, need: NeedEntry): void {
  if (actor.role === 'admin' || actor.role === 'system') return;
  if (['coordinator', 'bureau', 'auditor'].includes(actor.role)) {
    if (withinScope(need.villageCode, actor.scope)) return;
    throw forbidden(`村 ${need.villageCode} 不在您的管辖范围 (the need’s village ${need.villageCode} is outside your scope ${actor.scope ?? '(none)'})`);
  }
  throw forbidden(`角色 ${actor.role} 不能查看需求的候选组织 (role ${actor.role} may not see a need’s candidate organizations)`);
}

/** Who may see what is recommended to an organization: its own staff and hub admins, bureau staff whose scope holds its home division, admins. */
function requireOrganizationReader(actor: Actor, org: OrganizationEntry): void {
  if (actor.role === 'admin' || actor.role === 'system') return;
  if ((actor.role === 'organization' || actor.role === 'hub') && actor.organizationId === org.id) return;
  if (actor.role === 'bureau' && withinScope(org.homeDivisionCode, actor.scope)) return;
  throw forbidden('只有本组织人员、属地登记管理机关和管理员可以查看推荐需求 (only the organization’s own staff, bureau staff in scope and admins may see its recommended needs)');
}

/** Who may ask for a team suggestion: the hub's own hub admins, bureau staff whose scope holds its home division, admins. */
function requireTeamPlanner(actor: Actor, hub: OrganizationEntry): void {
  if (actor.role === 'admin' || actor.role === 'system') return;
  if (actor.role === 'hub' && actor.organizationId === hub.id) return;
  if (actor.role === 'bureau' && withinScope(hub.homeDivisionCode, actor.scope)) return;
  throw forbidden('只有该枢纽组织的管理员、属地登记管理机关和管理员可以请求组团建议 (only the hub’s admins, bureau staff in scope and admins may ask for a team suggestion)');
}

const presentFactors = (score: Score) =>
  Object.fromEntries(Object.entries(score.factors).map(([name, f]) => [name, { points: f.points, max: f.max, reason: f.reason }]));

/**
 * Ranking over the matching read model. Answers come from an in-memory copy of the matching
 * tables, brought up to date before each answer with the rows changed since the last one (by the
 * position each row carries), so no request replays events or scans the tables. The scoring
 * functions are exported for pushing needs (`rankCandidates`, `scoreFor`).
 */
@Injectable()
export class MatchingService {
  private index = new MatchingIndex();
  private refreshing?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    @Optional() @Inject(MATCHING_CHANGE_FEED) private readonly feed: MatchingChangeFeed = 'checkpoint',
  ) {}

  /** The stamp up to which every row written is committed: the projection's checkpoint, or the change counter. */
  private async committedStamp(): Promise<number> {
    if (this.feed === 'counter') return (await this.dataSource.getRepository(MatchingChangeCounter).findOneBy({ name: MATCHING_CHANGE_COUNTER }))?.sequence ?? 0;
    return (await this.dataSource.getRepository(ProjectionCheckpoint).findOneBy({ name: PROJECTION }))?.position ?? -1;
  }

  /** The in-memory read model as of the matching projection's checkpoint (or later). */
  async current(): Promise<MatchingIndex> {
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    await this.refreshing;
    return this.index;
  }

  private async refresh(): Promise<void> {
    const checkpoint = await this.committedStamp();
    if (checkpoint === this.index.position) return;
    // A rebuild started over: start over too.
    const index = checkpoint < this.index.position ? new MatchingIndex() : this.index;
    const after = index.position;
    const changed = <T extends { position: number }>(entity: new () => T, columns?: (keyof T)[]) =>
      this.dataSource.getRepository(entity).find({ ...(columns ? { select: columns as never } : {}), where: Number.isFinite(after) ? ({ position: MoreThan(after) } as never) : {} }) as Promise<T[]>;
    const [organizations, pairings, teams, needs] = await Promise.all([
      changed(MatchingOrganizationRow),
      changed(MatchingPairingRow),
      changed(MatchingTeamRow),
      // Not the needs decider's state: the ranking does not read it.
      changed(MatchingNeedRow, ['id', 'villageCode', 'title', 'category', 'status', 'open', 'publishedAt', 'lacking', 'revision', 'position']),
    ]);
    for (const row of organizations) index.putOrganization(row);
    for (const row of pairings) index.putPairing(row);
    for (const row of teams) index.putTeam(row);
    for (const row of needs) index.putNeed(row);
    index.settle();
    // Rows are re-read from `checkpoint` on: one changed while this read ran is read again next time.
    index.position = checkpoint;
    this.index = index;
  }

  // -------------------------------------------------------------------------------------------
  // Reusable ranking (no authorization): for pushing needs to organizations
  // -------------------------------------------------------------------------------------------

  /** Organizations in normal standing ranked for an open need (best first), with reasons; undefined for an unknown need. */
  async rankCandidates(needId: string, limit = DEFAULT_LIMIT, now = Date.now()): Promise<RankedOrganization[] | undefined> {
    const index = await this.current();
    const need = index.need(needId);
    return need ? index.rankOrganizations(need, limit, now).ranked : undefined;
  }

  /** score(org, need) and fairness(need): what a push compares with an organization's minimum score. */
  async scoreFor(organizationId: string, needId: string, now = Date.now()) {
    const index = await this.current();
    const org = index.organization(organizationId);
    const need = index.need(needId);
    if (!org || !need) return undefined;
    const score = index.score(org, need, now);
    if (!score) return undefined;
    const fairness = index.fairnessOf(need, now);
    return { ...score, fairness, priority: Math.round((score.score + fairness.total) * 100) / 100 };
  }

  // -------------------------------------------------------------------------------------------
  // Routes
  // -------------------------------------------------------------------------------------------

  private presentNeed(index: MatchingIndex, need: NeedEntry, now: number) {
    const fairness = index.fairnessOf(need, now);
    return {
      id: need.id,
      title: need.title,
      category: need.category,
      categoryLabel: CATEGORY_LABELS[need.category],
      villageCode: need.villageCode,
      villageName: this.regions.get(need.villageCode)?.path.slice(1).map((d) => d.name).join(' ') ?? null,
      status: need.status,
      publishedAt: need.publishedAt,
      lacking: need.lacking,
      fairness,
    };
  }

  private publishedNeed(index: MatchingIndex, needId: string): NeedEntry {
    const need = index.need(needId);
    // Drafts are not matched (and not shown to those who may not see them).
    if (!need || !need.publishedAt) throw notFound(`需求 ${needId} 不存在 (need not found)`);
    return need;
  }

  async candidates(needId: string, actor: Actor, limit = DEFAULT_LIMIT) {
    const index = await this.current();
    const need = this.publishedNeed(index, needId);
    requireCandidateReader(actor, need);
    if (!need.open) {
      throw conflict(`需求状态为 ${need.status}，不再接单 (the need is ${need.status} and takes no further commitments)`, { needStatus: need.status });
    }
    const now = Date.now();
    const { ranked, eligible } = index.rankOrganizations(need, limit, now);
    return {
      need: this.presentNeed(index, need, now),
      weights: WEIGHTS,
      organizations: index.organizationCount,
      eligible,
      position: index.position,
      candidates: ranked.map((r, i) => ({
        rank: i + 1,
        organizationId: r.organization.id,
        name: r.organization.name,
        homeDivisionCode: r.organization.homeDivisionCode,
        hubKind: r.organization.hubKind,
        categories: categoriesOf(r.organization.categories),
        score: r.score,
        factors: presentFactors(r),
      })),
    };
  }

  async recommendedNeeds(organizationId: string, actor: Actor, query: { limit?: number; category?: Category; division?: string }) {
    const index = await this.current();
    const org = index.organization(organizationId);
    if (!org || org.homeDivisionCode === '') throw notFound(`社会组织 ${organizationId} 未登记 (organization not registered)`);
    requireOrganizationReader(actor, org);
    const now = Date.now();
    const eligible = MatchingIndex.eligible(org);
    const { ranked, open } = eligible ? index.rankNeeds(org, query.limit ?? DEFAULT_LIMIT, now, { category: query.category, division: query.division }) : { ranked: [] as RankedNeed[], open: 0 };
    return {
      organization: { id: org.id, name: org.name, homeDivisionCode: org.homeDivisionCode, hubKind: org.hubKind, standing: org.standing, categories: categoriesOf(org.categories), eligible },
      ...(eligible ? {} : { reason: '该组织不在正常状态，不能接单 (the organization is not in normal standing and may not take commitments)' }),
      weights: WEIGHTS,
      fairnessWeights: FAIRNESS,
      openNeeds: open,
      position: index.position,
      needs: ranked.map((r, i) => ({
        rank: i + 1,
        ...this.presentNeed(index, r.need, now),
        score: r.score,
        priority: r.priority,
        factors: presentFactors(r),
      })),
    };
  }

  async suggestTeam(body: { hubOrganizationId: string; needIds: string[]; maxInvitations?: number; candidatesPerNeed?: number }, actor: Actor) {
    const index = await this.current();
    const hub = index.organization(body.hubOrganizationId);
    if (!hub || hub.homeDivisionCode === '') throw notFound(`社会组织 ${body.hubOrganizationId} 未登记 (organization not registered)`);
    requireTeamPlanner(actor, hub);
    if (!hub.hubKind) throw invalid('只有枢纽型社会组织或行业协会商会可以牵头组团 (only a hub organization or an industry association leads teams)', { organizationId: hub.id });
    if (!MatchingIndex.eligible(hub)) throw invalid(`牵头组织状态为 ${hub.standing}，不能组团 (the hub is ${hub.standing} and may not lead teams)`, { standing: hub.standing });
    const now = Date.now();
    const needs: NeedEntry[] = [];
    const skipped: Array<{ needId: string; status: string }> = [];
    for (const needId of [...new Set(body.needIds)]) {
      const need = index.need(needId);
      if (!need || !need.publishedAt) throw invalid(`需求 ${needId} 不存在或未发布 (need ${needId} does not exist or is not published)`, { needId });
      if (need.open) needs.push(need);
      else skipped.push({ needId, status: need.status });
    }
    const perNeed = body.candidatesPerNeed ?? 6;
    const items = needs.flatMap((need) => need.lacking.map((li) => ({ key: `${need.id}/${li.id}`, group: need.id, need, lineItem: li })));
    const candidates = new Map<string, SuggestionCandidate & { organization: OrganizationEntry; best: number }>();
    const addCandidate = (org: OrganizationEntry, lead: boolean) => {
      let candidate = candidates.get(org.id);
      if (!candidate) {
        candidate = { organizationId: org.id, organization: org, slots: slotsFor(org.open.length, org.onTime + org.late), scores: new Map(), lead, best: 0 };
        candidates.set(org.id, candidate);
      }
      for (const need of needs) {
        if (!(org.categories & categoryBit(need.category)) || need.lacking.length === 0) continue;
        const score = index.score(org, need, now)?.score ?? 0;
        candidate.scores.set(need.id, score / 100);
        candidate.best = Math.max(candidate.best, score);
      }
    };
    addCandidate(hub, true);
    for (const need of needs) {
      const bit = categoryBit(need.category);
      const { ranked } = index.rankOrganizations(need, perNeed, now, (org) => org.id !== hub.id && (org.categories & bit) !== 0);
      for (const r of ranked) addCandidate(r.organization, false);
    }
    const problem: SuggestionProblem = { items, candidates: [...candidates.values()], maxInvitations: body.maxInvitations };
    const solution = await suggestTeam(problem);
    const byOrg = new Map<string, typeof items>();
    for (const item of items) {
      const orgId = solution.assignment.get(item.key);
      if (orgId) byOrg.set(orgId, [...(byOrg.get(orgId) ?? []), item]);
    }
    const lineItems = (list: typeof items) => list.map((i) => ({ needId: i.need.id, lineItemId: i.lineItem.id, description: i.lineItem.description, unit: i.lineItem.unit, quantity: i.lineItem.lacking }));
    const member = (orgId: string) => {
      const c = candidates.get(orgId)!;
      return { organizationId: orgId, name: c.organization.name, homeDivisionCode: c.organization.homeDivisionCode, slots: c.slots, lineItems: lineItems(byOrg.get(orgId) ?? []) };
    };
    return {
      hub: { ...member(hub.id), hubKind: hub.hubKind },
      method: solution.method,
      optimal: solution.optimal,
      ...(solution.method === 'greedy' ? { bound: `invitations ≤ H(${greedyBound(problem).k}) = ${greedyBound(problem).factor.toFixed(2)} × the optimum` } : {}),
      lineItems: items.length,
      covered: solution.covered,
      candidatesConsidered: problem.candidates.length - 1,
      invitations: solution.invited.map(member),
      uncovered: lineItems(items.filter((i) => !solution.assignment.has(i.key))),
      skipped,
      // Ready for POST /api/needs/{id}/commitments with teamId once the invitees have joined.
      commitments: needs
        .map((need) => {
          const shares = [...byOrg]
            .map(([organizationId, list]) => ({ organizationId, items: list.filter((i) => i.need.id === need.id).map((i) => ({ lineItemId: i.lineItem.id, quantity: i.lineItem.lacking })) }))
            .filter((s) => s.items.length > 0);
          const covered = shares.flatMap((s) => s.items);
          return { needId: need.id, title: need.title, items: covered, shares };
        })
        .filter((c) => c.items.length > 0),
    };
  }
}
