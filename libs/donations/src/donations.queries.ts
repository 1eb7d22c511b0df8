import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { EvidenceFileRef } from '@shecun/evidence';
import { Actor, foldRecorded, forbidden, invalid, notFound, presentHistory } from '@shecun/core';
import { EVENT_STORE, EventStore, RecordedEvent, START } from '@shecun/event-store';
import { Brackets, DataSource, In, SelectQueryBuilder } from 'typeorm';
import { anomalies, balances, canSeeFlow } from './audit';
import { flowStream, isTransfer } from './donation.model';
import { DonationFlowView, DonationFundView } from './donation.projection';
import { flowDecider, FlowEvent, FlowState, isFlowEvent } from './flow.decider';
import { FlowHistory } from './exports';
import { VerificationReport, verifyLedgerOf } from './ledger';
import { DonationOrganizationView, organizationIdentity, OrganizationIdentity } from './organization-identifiers';
import { needDisclosure, organizationDisclosure, recentDisclosures } from './donations.disclosure';
import { presentFlow, publicFilesOf } from './donations.presentation';
import { displayNames } from './people';

export { presentFlow, publicEvidenceOf } from './donations.presentation';

const AUDIT_ROLES = ['auditor', 'bureau', 'admin', 'system'];

/** "As of" a date (the end of that day in China Standard Time) or an exact ISO instant. */
export function asOfInstant(asOf: string | undefined): Date | null {
  if (!asOf) return null;
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? new Date(`${asOf}T23:59:59.999+08:00`) : new Date(asOf);
  if (Number.isNaN(instant.getTime())) throw invalid('asOf 必须是日期 YYYY-MM-DD 或 ISO 时间 (asOf must be a date or an ISO instant)');
  return instant;
}

export interface FlowListFilter {
  status?: string;
  organizationId?: string;
  villageCode?: string;
  needId?: string;
  page?: number;
  pageSize?: number;
}

@Injectable()
export class DonationsQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Restricts a flows query to what the actor may see (the SQL form of canSeeFlow). */
  private scoped(qb: SelectQueryBuilder<DonationFlowView>, actor: Actor): SelectQueryBuilder<DonationFlowView> {
    if (actor.role === 'admin' || actor.role === 'system') return qb;
    return qb.andWhere(
      new Brackets((w) => {
        if (actor.role === 'coordinator') {
          w.where('f.villageCodes LIKE :village', { village: `%,${actor.scope ?? '-'}%` });
        } else if (actor.role === 'bureau' || actor.role === 'auditor') {
          w.where('f.recipientDivision LIKE :division', { division: `${actor.scope ?? '-'}%` }).orWhere('f.villageCodes LIKE :village', { village: `%,${actor.scope ?? '-'}%` });
        } else {
          const org = actor.organizationId ?? '-';
          w.where('f.recipientOrganizationId = :org', { org }).orWhere('f.donorOrganizationId = :org', { org }).orWhere('f.transferOrganizationIds LIKE :transfer', { transfer: `%,${org},%` });
        }
      }),
    );
  }

  async list(actor: Actor, filter: FlowListFilter) {
    const page = filter.page ?? 1;
    const pageSize = filter.pageSize ?? 20;
    const qb = this.scoped(this.dataSource.getRepository(DonationFlowView).createQueryBuilder('f'), actor);
    if (filter.status) qb.andWhere('f.status = :status', { status: filter.status });
    if (filter.organizationId) qb.andWhere(new Brackets((w) => w.where('f.recipientOrganizationId = :o', { o: filter.organizationId }).orWhere('f.donorOrganizationId = :o', { o: filter.organizationId })));
    if (filter.villageCode) qb.andWhere('f.villageCodes LIKE :v', { v: `%,${filter.villageCode}%` });
    if (filter.needId) qb.andWhere('f.needIds LIKE :n', { n: `%,${filter.needId},%` });
    qb.orderBy('f.updatedAt', 'DESC').addOrderBy('f.id', 'ASC').skip((page - 1) * pageSize).take(pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return { page, pageSize, total, items: rows.map((r) => presentFlow(JSON.parse(r.state) as FlowState)) };
  }

  async get(actor: Actor, id: string) {
    const row = await this.dataSource.getRepository(DonationFlowView).findOneBy({ id });
    const state = row ? (JSON.parse(row.state) as FlowState) : null;
    if (!state || !canSeeFlow(actor, state)) throw notFound(`捐赠 ${id} 不存在 (donation ${id} not found)`);
    return { ...presentFlow(state), revision: row!.revision };
  }

  /** The evidence files a flow's uses reference, for a caller who may see the flow. */
  async flowEvidence(actor: Actor, id: string): Promise<EvidenceFileRef[]> {
    const row = await this.dataSource.getRepository(DonationFlowView).findOneBy({ id });
    const state = row ? (JSON.parse(row.state) as FlowState) : null;
    if (!state || !canSeeFlow(actor, state)) throw notFound(`捐赠 ${id} 不存在 (donation ${id} not found)`);
    return [...(state.receiptEvidence ?? []), ...state.uses.flatMap((u) => u.evidence)].flatMap((e) => (e.file ? [e.file] : []));
  }

  /** The public evidence files of a disclosed flow (none for a flow not disclosed). */
  async disclosedEvidence(id: string): Promise<EvidenceFileRef[]> {
    const row = await this.dataSource.getRepository(DonationFlowView).findOneBy({ id, disclosed: true });
    if (!row) return [];
    return publicFilesOf(JSON.parse(row.state) as FlowState).map((e) => e.file);
  }

  async funds(holderOrganizationId?: string) {
    const qb = this.dataSource.getRepository(DonationFundView).createQueryBuilder('f');
    if (holderOrganizationId) qb.where('f.holderOrganizationId = :h', { h: holderOrganizationId });
    return { items: await qb.orderBy('f.establishedAt', 'ASC').getMany() };
  }

  async fund(id: string) {
    const fund = await this.dataSource.getRepository(DonationFundView).findOneBy({ id });
    if (!fund) throw notFound(`专项基金 ${id} 不存在 (fund ${id} not found)`);
    const flows = await this.dataSource.getRepository(DonationFlowView).findBy({ recipientKind: 'fund', recipientId: id });
    const totals = flows.reduce(
      (t, f) => ({ receivedFen: t.receivedFen + f.receivedFen, allocatedFen: t.allocatedFen + f.allocatedFen, usedFen: t.usedFen + f.usedFen, confirmedFen: t.confirmedFen + f.confirmedFen }),
      { receivedFen: 0, allocatedFen: 0, usedFen: 0, confirmedFen: 0 },
    );
    return { ...fund, flows: flows.length, totals };
  }

  // ---- auditor's views ------------------------------------------------------------------------

  private requireAuditor(actor: Actor): void {
    if (!AUDIT_ROLES.includes(actor.role)) throw forbidden(`角色 ${actor.role} 不能查看审计视图 (role ${actor.role} may not read the audit views)`);
  }

  /** Every flow the actor may see: current states from the read model, or states replayed from the event store up to `asOf`. */
  async states(actor: Actor, asOf: Date | null): Promise<Map<string, FlowState>> {
    const states = new Map<string, FlowState>();
    if (!asOf) {
      const rows = await this.scoped(this.dataSource.getRepository(DonationFlowView).createQueryBuilder('f'), actor).select(['f.id', 'f.state']).getMany();
      for (const r of rows) states.set(r.id, JSON.parse(r.state) as FlowState);
      return states;
    }
    for (const [id, h] of await this.replay(asOf)) if (canSeeFlow(actor, h.state)) states.set(id, h.state);
    return states;
  }

  /** Every flow's events and state, replayed from the event store (up to `asOf` when given). */
  private async replay(asOf: Date | null): Promise<Map<string, FlowHistory>> {
    const limit = asOf?.toISOString();
    const flows = new Map<string, FlowHistory>();
    for (let after = START; ; ) {
      const batch = await this.store.readAll(after, 2000);
      if (batch.length === 0) break;
      for (const e of batch) {
        if (!e.streamName.startsWith('donation-') || !isFlowEvent(e) || (limit && e.metadata.occurredAt > limit)) continue;
        const id = (e.data as { flowId: string }).flowId;
        const flow = flows.get(id) ?? { state: flowDecider.initialState, events: [] };
        flow.state = flowDecider.evolve(flow.state, { type: e.type, data: e.data } as FlowEvent);
        flow.events.push(e);
        flows.set(id, flow);
      }
      after = batch[batch.length - 1].position;
    }
    return flows;
  }

  /** The flows an auditor may see with their events, for the exports. */
  async histories(actor: Actor, asOf?: string): Promise<FlowHistory[]> {
    this.requireAuditor(actor);
    const flows = await this.replay(asOfInstant(asOf));
    return [...flows.values()].filter((h) => canSeeFlow(actor, h.state));
  }

  /** The identifiers of the organizations these flows name, from the donations context's own record of them. */
  /** Organizations' names as this context recorded them. */
  private async organizationNames(ids: string[]): Promise<Map<string, string>> {
    const all = [...new Set(ids.filter(Boolean))];
    const found = new Map<string, string>();
    for (let i = 0; i < all.length; i += 500) {
      for (const r of await this.dataSource.getRepository(DonationOrganizationView).findBy({ organizationId: In(all.slice(i, i + 500)) })) found.set(r.organizationId, r.name);
    }
    return found;
  }

  async organizationIdentities(flows: FlowHistory[]): Promise<Map<string, OrganizationIdentity>> {
    const ids = new Set<string>();
    for (const { state: s } of flows) {
      ids.add(s.recipient.organizationId);
      if (s.donor.kind === 'organization' || s.donor.kind === 'member_unit') ids.add(s.donor.organizationId);
      if (s.donor.kind === 'transfer') ids.add(s.donor.from.organizationId);
      for (const a of s.allocations) if (isTransfer(a.target)) ids.add(a.target.party.organizationId);
    }
    ids.delete('');
    const found = new Map<string, OrganizationIdentity>();
    const all = [...ids];
    for (let i = 0; i < all.length; i += 500) {
      const rows = await this.dataSource.getRepository(DonationOrganizationView).findBy({ organizationId: In(all.slice(i, i + 500)) });
      for (const r of rows) found.set(r.organizationId, organizationIdentity(r));
    }
    return found;
  }

  async balances(actor: Actor, asOf?: string) {
    this.requireAuditor(actor);
    const at = asOfInstant(asOf);
    const states = await this.states(actor, at);
    return { asOf: (at ?? new Date()).toISOString(), flows: states.size, items: balances(states.values()) };
  }

  async anomalies(actor: Actor, asOf: string | undefined, days: number) {
    this.requireAuditor(actor);
    const at = asOfInstant(asOf);
    const states = await this.states(actor, at);
    const items = anomalies(states, at ?? new Date(), days);
    return { asOf: (at ?? new Date()).toISOString(), days, total: items.length, items };
  }

  /**
   * One flow traced both ways: up through its parents to the donor's gift, down through every
   * transfer to the final uses, each hop with its events (dates and actors), evidence and figures,
   * read from the event store (as of `asOf` when given).
   */
  async trace(actor: Actor, id: string, asOf?: string) {
    const at = asOfInstant(asOf);
    const limit = at?.toISOString();
    const load = async (flowId: string) => {
      const events = (await this.store.readStream(flowStream(flowId))).filter((e) => !limit || e.metadata.occurredAt <= limit);
      return { events, state: foldRecorded(flowDecider, events) };
    };
    const start = await load(id);
    if (!start.state.exists || !canSeeFlow(actor, start.state)) throw notFound(`捐赠 ${id} 不存在 (donation ${id} not found)`);
    const hops = new Map<string, { events: RecordedEvent[]; state: FlowState; depth: number }>();
    const upstream: string[] = [];
    let cursor = { ...start, depth: 0 };
    hops.set(id, cursor);
    while (cursor.state.parent) {
      const parentId = cursor.state.parent.flowId;
      const parent = await load(parentId);
      if (!parent.state.exists || hops.has(parentId)) break;
      cursor = { ...parent, depth: cursor.depth - 1 };
      hops.set(parentId, cursor);
      upstream.unshift(parentId);
    }
    const downstream: string[] = [];
    const queue = [id];
    while (queue.length > 0) {
      const current = hops.get(queue.shift()!)!;
      for (const a of current.state.allocations) {
        if (!a.childFlowId || hops.has(a.childFlowId)) continue;
        const child = await load(a.childFlowId);
        if (!child.state.exists) continue;
        hops.set(a.childFlowId, { ...child, depth: current.depth + 1 });
        downstream.push(a.childFlowId);
        queue.push(a.childFlowId);
      }
    }
    const ordered = [...hops.values()].sort((a, b) => a.depth - b.depth);
    // Who did each step, by name as this context recorded them (the ids stay beside the names).
    const recorded = ordered.flatMap((h) => h.events);
    const people = await displayNames(this.dataSource, recorded.map((e) => e.metadata.actorId));
    const organizations = await this.organizationNames(recorded.map((e) => e.metadata.actorOrganizationId ?? ''));
    const named = (e: ReturnType<typeof presentHistory>[number]) => {
      const { data: _data, ...rest } = e;
      return { ...rest, actor: { ...e.actor, name: people.get(e.actor.id) ?? null, organizationName: e.actor.organizationId ? (organizations.get(e.actor.organizationId) ?? null) : null } };
    };
    return {
      flowId: id,
      asOf: (at ?? new Date()).toISOString(),
      rootFlowId: upstream[0] ?? id,
      upstream,
      downstream,
      hops: ordered.map((h) => ({ depth: h.depth, ...presentFlow(h.state), events: presentHistory(h.events).map(named) })),
    };
  }

  /** Recomputes the hash chains of every donation and fund stream from the event store. */
  verifyLedger(onProgress?: (checked: number, head: number) => void): Promise<VerificationReport> {
    return verifyLedgerOf(this.store, onProgress);
  }

  async verifyLedgerFor(actor: Actor) {
    this.requireAuditor(actor);
    return this.verifyLedger();
  }

  // ---- public disclosure (信息公开): disclosed flows only, no personal data -------------------------

  disclosureOfOrganization(organizationId: string) {
    return organizationDisclosure(this.dataSource, organizationId);
  }

  disclosureOfNeed(needId: string) {
    return needDisclosure(this.dataSource, needId);
  }

  recentDisclosures(filter: { city?: string; limit: number }) {
    return recentDisclosures(this.dataSource, filter);
  }
}
