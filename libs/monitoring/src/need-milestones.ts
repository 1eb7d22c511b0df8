import { NeedEvent, NeedStatus } from '@shecun/needs';
import { chinaDate } from './periods';

/**
 * What the dashboard keeps of one need: where and what it is, and when it reached each milestone.
 * A compact fold of the need's events (only the quantities the milestones depend on), so that the
 * monitoring projection rebuilds fast; the unit spec checks it against the needs decider's own fold.
 */
export interface NeedMilestones {
  needId: string;
  villageCode: string;
  title: string;
  /** The need's category as last drafted or revised. */
  category: string;
  lifecycle: 'draft' | 'published' | 'withdrawn' | 'expired' | 'fulfilled' | 'closed';
  /** When it was published (NeedPublished.publishedAt); null for a draft. */
  publishedAt: string | null;
  /** China-time calendar date of publishing (YYYY-MM-DD), the key of its period buckets. */
  publishedDate: string | null;
  /** First CommitmentAccepted (matched: ≥ 1 accepted commitment, even if later withdrawn). */
  firstAcceptedAt: string | null;
  /** First moment every line item was covered by accepted commitments (kept if a commitment is withdrawn later). */
  fullyCommittedAt: string | null;
  /** NeedFulfilled: the coordinator confirmed the need fulfilled (a later NeedClosed keeps it). */
  fulfilledAt: string | null;
  /** Withdrawn or expired. */
  endedAt: string | null;
  /** Line item id → quantity asked for. */
  items: Record<string, number>;
  /** Line item id → quantity delivered and confirmed, over all commitments. */
  confirmed: Record<string, number>;
  commitments: Record<string, CompactCommitment>;
  /** Revision and global position of the last event folded in. */
  revision: number;
  position: number;
}

export interface CompactCommitment {
  /** offered, accepted, or closed (declined or withdrawn). */
  s: 'o' | 'a' | 'x';
  /** 1 when offered on behalf of a team (组团帮扶). */
  t: 0 | 1;
  /** Line item id → quantity committed. */
  i: Record<string, number>;
  /** Deliveries recorded and not yet confirmed: delivery id → line item id → quantity. */
  r: Record<string, Record<string, number>>;
  /** Line item id → quantity delivered and confirmed on this commitment. */
  c: Record<string, number>;
}

export const newMilestones = (needId: string): NeedMilestones => ({
  needId,
  villageCode: '',
  title: '',
  category: '',
  lifecycle: 'draft',
  publishedAt: null,
  publishedDate: null,
  firstAcceptedAt: null,
  fullyCommittedAt: null,
  fulfilledAt: null,
  endedAt: null,
  items: {},
  confirmed: {},
  commitments: {},
  revision: -1,
  position: -1,
});

const quantities = (items: ReadonlyArray<{ lineItemId?: string; id?: string; quantity: number }>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const item of items) {
    const id = (item.lineItemId ?? item.id)!;
    out[id] = (out[id] ?? 0) + item.quantity;
  }
  return out;
};

/** Quantity of a line item covered by accepted (not withdrawn) commitments. */
function acceptedOf(m: NeedMilestones, lineItemId: string): number {
  let sum = 0;
  for (const id in m.commitments) {
    const c = m.commitments[id];
    if (c.s === 'a') sum += c.i[lineItemId] ?? 0;
  }
  return sum;
}

function everyItemCovered(m: NeedMilestones): boolean {
  let any = false;
  for (const id in m.items) {
    any = true;
    if (acceptedOf(m, id) < m.items[id]) return false;
  }
  return any;
}

/** Whether a commitment is accepted and delivered (and confirmed) in full: the needs context's `delivered`. */
export const isDelivered = (c: CompactCommitment): boolean => {
  if (c.s !== 'a') return false;
  for (const id in c.i) if ((c.c[id] ?? 0) < c.i[id]) return false;
  return true;
};

/** The need's status as the needs context derives it (needStatus), from the compact fold. */
export function statusOf(m: NeedMilestones): NeedStatus {
  if (m.lifecycle !== 'published') return m.lifecycle;
  let count = 0;
  let allDelivered = true;
  let allCovered = true;
  let some = false;
  for (const id in m.items) {
    count += 1;
    const quantity = m.items[id];
    if ((m.confirmed[id] ?? 0) >= quantity) {
      some = true;
      continue;
    }
    allDelivered = false;
    const accepted = acceptedOf(m, id);
    if (accepted < quantity) allCovered = false;
    if (accepted > 0) some = true;
  }
  if (count > 0 && allDelivered) return 'delivered';
  if (count > 0 && allCovered) return 'fully_committed';
  return some ? 'partially_committed' : 'published';
}

/** Team commitments accepted and not withdrawn, and those of them delivered in full. */
export function teamCommitmentsOf(m: NeedMilestones): { accepted: number; delivered: number } {
  let accepted = 0;
  let delivered = 0;
  for (const id in m.commitments) {
    const c = m.commitments[id];
    if (c.t !== 1 || c.s !== 'a') continue;
    accepted += 1;
    if (isDelivered(c)) delivered += 1;
  }
  return { accepted, delivered };
}

/**
 * Folds one need event into the milestones, in place. Timestamps are the decisions' own (the
 * `…At` fields of the events), so a history replayed with chosen dates keeps them.
 */
export function foldMilestones(m: NeedMilestones, event: NeedEvent): void {
  switch (event.type) {
    case 'NeedDrafted': {
      const d = event.data;
      m.villageCode = d.villageCode;
      m.title = d.title;
      m.category = d.category;
      m.items = quantities(d.lineItems);
      return;
    }
    case 'NeedRevised': {
      const d = event.data;
      m.title = d.title;
      m.category = d.category;
      m.items = quantities(d.lineItems);
      reachFullyCommitted(m, d.revisedAt);
      return;
    }
    case 'NeedPublished':
      m.lifecycle = 'published';
      m.publishedAt = event.data.publishedAt;
      m.publishedDate = chinaDate(event.data.publishedAt);
      return;
    case 'NeedWithdrawn':
      m.lifecycle = 'withdrawn';
      m.endedAt = event.data.withdrawnAt;
      return;
    case 'NeedExpired':
      m.lifecycle = 'expired';
      m.endedAt = event.data.expiredAt;
      return;
    case 'NeedFulfilled':
      m.lifecycle = 'fulfilled';
      m.fulfilledAt = event.data.fulfilledAt;
      return;
    case 'NeedClosed':
      m.lifecycle = 'closed';
      return;
    case 'CommitmentOffered': {
      const d = event.data;
      m.commitments[d.commitmentId] = { s: 'o', t: d.team ? 1 : 0, i: quantities(d.items), r: {}, c: {} };
      return;
    }
    case 'CommitmentAccepted': {
      const c = m.commitments[event.data.commitmentId];
      if (c) c.s = 'a';
      m.firstAcceptedAt ??= event.data.acceptedAt;
      reachFullyCommitted(m, event.data.acceptedAt);
      return;
    }
    case 'CommitmentDeclined':
    case 'CommitmentWithdrawn': {
      const c = m.commitments[event.data.commitmentId];
      if (c) c.s = 'x';
      return;
    }
    case 'DeliveryRecorded': {
      const c = m.commitments[event.data.commitmentId];
      if (c) c.r[event.data.deliveryId] = quantities(event.data.items);
      return;
    }
    case 'DeliveryConfirmed': {
      const c = m.commitments[event.data.commitmentId];
      const delivered = c?.r[event.data.deliveryId];
      if (!c || !delivered) return;
      delete c.r[event.data.deliveryId];
      for (const id in delivered) {
        c.c[id] = (c.c[id] ?? 0) + delivered[id];
        m.confirmed[id] = (m.confirmed[id] ?? 0) + delivered[id];
      }
      return;
    }
    case 'CommitmentHandoverRequested':
    case 'CommitmentHandedOver':
    case 'CommitmentHandoverDeclined':
      return;
  }
}

function reachFullyCommitted(m: NeedMilestones, at: string): void {
  if (m.fullyCommittedAt === null && m.lifecycle === 'published' && everyItemCovered(m)) m.fullyCommittedAt = at;
}
