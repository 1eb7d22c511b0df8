import { Actor, DecisionContext, prng, SYSTEM_ACTOR } from '@shecun/core';
import { EventMetadata } from '@shecun/event-store';
import { randomUUID } from 'node:crypto';
import { needDecider } from './need.decider';
import { NeedEvent } from './need.events';
import { needStream } from './need.model';
import { CATEGORIES } from '@shecun/categories';
import { NeedCommand, NeedState, TeamForCommitment } from './need.state';

/**
 * Generated needs histories for benchmarks and tests: every event is decided by the needs
 * decider itself (publishing, offers by organizations and teams, acceptance, declines,
 * withdrawals, deliveries with evidence, confirmations, fulfilment, expiry), at chosen instants,
 * so the generated log is one the real command path could have written. Deterministic for a seed
 * (event ids aside). Events come out in the order of their instants, many needs interleaved.
 */
export interface SyntheticOptions {
  /** Village codes (12 digits) the needs are spread over. */
  villages: string[];
  needs: number;
  /** First publishing instant; needs are published evenly over `days` days from it. */
  start: Date;
  days: number;
  seed?: number;
  /** Organizations taking orders (ids); a tenth of them also lead a team of two. */
  organizations?: number;
  /** Team commitments among the offers (default true); false where no teams are registered. */
  teams?: boolean;
  /** The first needs go one to each village in turn, so that every village has at least one (default false). */
  everyVillage?: boolean;
}

export interface SyntheticEvent {
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

export { prng };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A min-heap of pending events by instant (ties keep insertion order). */
class Pending {
  private readonly heap: Array<{ at: number; seq: number; event: SyntheticEvent }> = [];
  private seq = 0;
  get size() {
    return this.heap.length;
  }
  push(at: number, event: SyntheticEvent): void {
    const h = this.heap;
    h.push({ at, seq: this.seq++, event });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  peekAt(): number {
    return this.heap[0]?.at ?? Infinity;
  }
  pop(): SyntheticEvent {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top.event;
  }
  private less(a: { at: number; seq: number }, b: { at: number; seq: number }) {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
}

export function* syntheticNeedEvents(options: SyntheticOptions): Generator<SyntheticEvent> {
  const random = prng(options.seed ?? 20240607);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const organizations = Array.from({ length: options.organizations ?? 2000 }, (_, i) => `org-s-${i}`);
  const pending = new Pending();
  const span = options.days * DAY;
  for (let n = 0; n < options.needs; n++) {
    const publishedAt = options.start.getTime() + Math.floor(((n + random()) / options.needs) * span);
    while (pending.peekAt() <= publishedAt) yield pending.pop();
    for (const [at, event] of history(n, publishedAt)) pending.push(at, event);
  }
  while (pending.size > 0) yield pending.pop();

  /** One need's life as commands decided in turn; returns its events with their instants. */
  function history(n: number, publishedAt: number): Array<[number, SyntheticEvent]> {
    const needId = `syn-${n}`;
    const villageCode = options.everyVillage && n < options.villages.length ? options.villages[n] : pick(options.villages);
    const coordinator: Actor = { id: `coord-${villageCode}`, role: 'coordinator', scope: villageCode };
    const out: Array<[number, SyntheticEvent]> = [];
    let state: NeedState = needDecider.initialState;
    let clock = publishedAt;
    const run = (actor: Actor, command: NeedCommand, at: number): boolean => {
      const context: DecisionContext = { actor, now: new Date(at) };
      let events: NeedEvent[];
      try {
        events = needDecider.decide(command, state, context);
      } catch {
        return false; // a step the decider refuses is simply not taken
      }
      const correlationId = randomUUID();
      for (const event of events) {
        state = needDecider.evolve(state, event);
        const metadata: EventMetadata = {
          actorId: actor.id, actorRole: actor.role, ...(actor.organizationId ? { actorOrganizationId: actor.organizationId } : {}),
          correlationId, causationId: correlationId, occurredAt: new Date(at).toISOString(),
        };
        out.push([at, { id: randomUUID(), stream: needStream(needId), revision: out.length, type: event.type, data: event.data, metadata }]);
      }
      return true;
    };
    const later = (meanHours: number) => (clock += Math.max(60_000, Math.floor(-Math.log(1 - random()) * meanHours * HOUR)));

    const lineCount = 1 + Math.floor(random() * 3);
    const lineItems = Array.from({ length: lineCount }, (_, i) =>
      i === 0 && random() < 0.4
        ? { kind: 'funds' as const, description: '资金', quantity: 100 * (100 + Math.floor(random() * 5000)) }
        : { kind: 'goods' as const, description: `物资 ${i + 1}`, unit: '件', quantity: 4 + Math.floor(random() * 60) },
    );
    const draftOnly = random() < 0.04;
    const dueDate = random() < 0.3 ? dateOf(publishedAt + (20 + Math.floor(random() * 60)) * DAY) : null;
    run(coordinator, { type: 'DraftNeed', needId, villageCode, title: `需求 ${n}`, description: '', category: pick(CATEGORIES), lineItems, dueDate, autoAccept: random() < 0.15, publish: !draftOnly }, publishedAt);
    if (draftOnly) return out;

    // Offers: none for a fifth of the needs; otherwise one to three organizations (or a team).
    const offers = random() < 0.2 ? 0 : 1 + Math.floor(random() * 3);
    const holders: Array<{ cid: string; actor: Actor }> = [];
    for (let k = 0; k < offers; k++) {
      later(48);
      const org = pick(organizations);
      const index = Number(org.slice(6));
      const asTeam = index % 10 === 0 && random() < 0.5 && options.teams !== false;
      const actor: Actor = { id: `staff-${org}`, role: asTeam ? 'hub' : 'organization', organizationId: org };
      const items = state.fields.lineItems
        .map((li) => {
          const lacking = li.quantity - state.commitments.filter((c) => c.status === 'accepted').reduce((s, c) => s + (c.items.find((i) => i.lineItemId === li.id)?.quantity ?? 0), 0);
          const share = random() < 0.6 ? lacking : Math.floor(lacking / 2);
          return { lineItemId: li.id, quantity: share };
        })
        .filter((i) => i.quantity > 0);
      if (items.length === 0) break;
      const cid = `c${k}`;
      const member = `org-s-${index + 1}`;
      const team: TeamForCommitment | undefined = asTeam
        ? { teamId: `team-${org}`, title: `组团 ${org}`, leadOrganizationId: org, status: 'active', members: [
            { organizationId: org, organizationName: org, role: 'lead', standing: 'normal' },
            { organizationId: member, organizationName: member, role: 'implementing', standing: 'normal' },
          ] }
        : undefined;
      const shares = asTeam
        ? [
            { organizationId: org, items: items.map((i) => ({ lineItemId: i.lineItemId, quantity: i.quantity - Math.floor(i.quantity / 2) })) },
            { organizationId: member, items: items.filter((i) => i.quantity >= 2).map((i) => ({ lineItemId: i.lineItemId, quantity: Math.floor(i.quantity / 2) })) },
          ].filter((s) => s.items.length > 0)
        : undefined;
      const offered = run(actor, {
        type: 'OfferCommitment', commitmentId: cid, organizationId: org, organizationName: `社会组织 ${org}`, items,
        promisedBy: dateOf(clock + (5 + Math.floor(random() * 40)) * DAY), note: '', organizationStanding: 'normal',
        ...(asTeam ? { teamId: team!.teamId, shares, team } : {}),
      }, clock);
      if (!offered) continue;
      holders.push({ cid, actor });
      const answer = random();
      if (state.commitments.find((c) => c.id === cid)?.status === 'offered') {
        later(24);
        if (answer < 0.8) run(coordinator, { type: 'AcceptCommitment', commitmentId: cid }, clock);
        else if (answer < 0.9) run(coordinator, { type: 'DeclineCommitment', commitmentId: cid, reason: '不合适' }, clock);
      }
      if (random() < 0.08) {
        later(72);
        run(actor, { type: 'WithdrawCommitment', commitmentId: cid, reason: '资源变化' }, clock);
      }
    }

    // Deliveries on accepted commitments, each confirmed by the coordinator.
    const accepted = holders.filter((h) => state.commitments.find((c) => c.id === h.cid)?.status === 'accepted');
    const delivering = random() < 0.75;
    if (delivering) {
      for (const { cid, actor } of accepted) {
        const commitment = state.commitments.find((c) => c.id === cid)!;
        later(96);
        const did = `${cid}-d1`;
        run(actor, { type: 'RecordDelivery', commitmentId: cid, deliveryId: did, items: commitment.items, evidence: [{ kind: 'photo', ref: `${needId}/${did}.jpg` }], note: '' }, clock);
        later(24);
        run(coordinator, { type: 'ConfirmDelivery', commitmentId: cid, deliveryId: did, note: '' }, clock);
      }
      if (accepted.length > 0 && random() < 0.8) {
        later(72);
        run(coordinator, { type: 'FulfilNeed', note: '' }, clock);
      }
    }
    if (state.lifecycle === 'published' && !state.firstAcceptedAt) {
      const r = random();
      if (r < 0.1) run(coordinator, { type: 'WithdrawNeed', reason: '另有安排' }, later(240));
      else if (dueDate) run(SYSTEM_ACTOR, { type: 'ExpireNeed' }, (clock = Math.max(clock + 60_000, Date.parse(`${dueDate}T00:00:00Z`) + 2 * DAY)));
    }
    return out;
  }
}
