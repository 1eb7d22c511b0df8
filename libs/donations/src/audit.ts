import { Actor, withinScope } from '@shecun/core';
import { isTransfer } from './donation.model';
import { allocationVillage, availableOf, FlowState, netAllocation, refundedOf, usedOn, valueOf, allocatedOf } from './flow.decider';

/**
 * The auditor's figures, computed from flow states (current ones from the read model, or states
 * replayed up to an "as of" instant): balances per organization, fund, need and village, and the
 * anomalies to follow up. Pure functions, no I/O.
 */

/** Who may see a flow: the parties to it, the villages it serves, and bureau staff and auditors whose scope holds either. */
export function canSeeFlow(actor: Actor, s: FlowState): boolean {
  if (actor.role === 'admin' || actor.role === 'system') return true;
  const villages = s.allocations.map(allocationVillage).filter((v): v is string => v !== null);
  if (actor.role === 'coordinator') return villages.some((v) => withinScope(v, actor.scope));
  if (actor.role === 'bureau' || actor.role === 'auditor') {
    return withinScope(s.recipient.divisionCode, actor.scope) || villages.some((v) => withinScope(v, actor.scope));
  }
  const org = actor.organizationId;
  if (!org) return false;
  const donor = s.donor;
  return (
    s.recipient.organizationId === org ||
    ((donor.kind === 'organization' || donor.kind === 'member_unit') && donor.organizationId === org) ||
    (donor.kind === 'transfer' && donor.from.organizationId === org) ||
    s.allocations.some((a) => isTransfer(a.target) && a.target.party.organizationId === org)
  );
}

export interface Figures {
  receivedFen: number;
  allocatedFen: number;
  usedFen: number;
  confirmedFen: number;
}
const zero = (): Figures => ({ receivedFen: 0, allocatedFen: 0, usedFen: 0, confirmedFen: 0 });

export interface BalanceRow extends Figures {
  kind: 'organization' | 'fund' | 'need' | 'village';
  id: string;
  name: string;
  /** Received, less refunds and allocations: what the holder still has to arrange (organizations and funds). */
  unallocatedFen: number;
}

export function balances(states: Iterable<FlowState>): BalanceRow[] {
  const rows = new Map<string, BalanceRow>();
  const row = (kind: BalanceRow['kind'], id: string, name: string) => {
    const key = `${kind}:${id}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { kind, id, name, ...zero(), unallocatedFen: 0 }));
    return r;
  };
  for (const s of states) {
    if (!s.receivedAt) continue;
    const holder = row(s.recipient.kind, s.recipient.id, s.recipient.name);
    holder.receivedFen += valueOf(s, s.received - refundedOf(s));
    holder.allocatedFen += valueOf(s, allocatedOf(s));
    holder.unallocatedFen += valueOf(s, availableOf(s));
    for (const use of s.uses) {
      holder.usedFen += use.valueFen;
      if (use.confirmedAt) holder.confirmedFen += use.valueFen;
    }
    for (const a of s.allocations) {
      const village = allocationVillage(a);
      if (village === null) continue;
      const targets = [row('village', village, village)];
      if (a.target.kind === 'need') targets.push(row('need', a.target.needId, a.target.title));
      const uses = s.uses.filter((u) => u.allocationId === a.id);
      for (const t of targets) {
        t.receivedFen += valueOf(s, netAllocation(a));
        t.allocatedFen += valueOf(s, netAllocation(a));
        for (const use of uses) {
          t.usedFen += use.valueFen;
          if (use.confirmedAt) t.confirmedFen += use.valueFen;
        }
      }
    }
  }
  const order = { organization: 0, fund: 1, need: 2, village: 3 };
  return [...rows.values()].sort((a, b) => order[a.kind] - order[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export const ANOMALY_KINDS = ['received-unallocated', 'allocated-unused', 'transfer-not-received', 'use-without-evidence', 'use-unconfirmed', 'imbalance'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export interface Anomaly {
  kind: AnomalyKind;
  flowId: string;
  /** The allocation or use concerned, if any. */
  itemId: string | null;
  holder: string;
  /** Amount concerned, in the flow's unit (fen for money), and its value in fen. */
  amount: number;
  valueFen: number;
  since: string | null;
  days: number | null;
  detail: string;
}

const DAY = 86_400_000;
const ageDays = (since: string | null, at: Date) => (since ? Math.floor((at.getTime() - Date.parse(since)) / DAY) : null);

/**
 * Received but unallocated, allocated but unused, transfers not acknowledged by their receiver and
 * uses not confirmed by the village, each for more than `days` days; uses without evidence; and
 * any imbalance (more allocated than received, more used than allocated, a transfer received
 * above what its parent allocated): these cannot arise through the commands, so one means the
 * record was changed outside them.
 */
export function anomalies(states: Map<string, FlowState>, at: Date, days: number): Anomaly[] {
  const out: Anomaly[] = [];
  const old = (since: string | null) => (ageDays(since, at) ?? -1) > days;
  for (const s of states.values()) {
    if (!s.receivedAt) continue;
    const base = { flowId: s.id, holder: s.recipient.name };
    const available = availableOf(s);
    if (available < 0 || allocatedOf(s) + refundedOf(s) > s.received) {
      out.push({ ...base, kind: 'imbalance', itemId: null, amount: -available, valueFen: valueOf(s, -available), since: s.receivedAt, days: ageDays(s.receivedAt, at), detail: `安排与退款合计超过到账数量 (allocations and refunds exceed the ${s.received} received)` });
    } else if (available > 0 && old(s.receivedAt)) {
      out.push({ ...base, kind: 'received-unallocated', itemId: null, amount: available, valueFen: valueOf(s, available), since: s.receivedAt, days: ageDays(s.receivedAt, at), detail: `到账后超过 ${days} 天未安排使用 (received more than ${days} days ago and not allocated)` });
    }
    if (s.parent) {
      const parent = states.get(s.parent.flowId);
      const allocation = parent?.allocations.find((a) => a.id === s.parent!.allocationId);
      if (allocation && s.received > netAllocation(allocation)) {
        out.push({ ...base, kind: 'imbalance', itemId: allocation.id, amount: s.received - netAllocation(allocation), valueFen: valueOf(s, s.received - netAllocation(allocation)), since: s.receivedAt, days: null, detail: '转拨到账超过上游安排数量 (a transfer received more than its parent allocated)' });
      }
    }
    for (const a of s.allocations) {
      if (isTransfer(a.target)) {
        if (a.childFlowId && !states.get(a.childFlowId)?.receivedAt && old(a.allocatedAt)) {
          out.push({ ...base, kind: 'transfer-not-received', itemId: a.id, amount: netAllocation(a), valueFen: valueOf(s, netAllocation(a)), since: a.allocatedAt, days: ageDays(a.allocatedAt, at), detail: `转拨给 ${a.target.party.name} 超过 ${days} 天未确认到账 (transfer not acknowledged by its receiver)` });
        }
        continue;
      }
      const unused = netAllocation(a) - usedOn(s, a.id);
      if (unused < 0) {
        out.push({ ...base, kind: 'imbalance', itemId: a.id, amount: -unused, valueFen: valueOf(s, -unused), since: a.allocatedAt, days: null, detail: '使用超过安排数量 (uses exceed the allocation)' });
      } else if (unused > 0 && old(a.allocatedAt)) {
        out.push({ ...base, kind: 'allocated-unused', itemId: a.id, amount: unused, valueFen: valueOf(s, unused), since: a.allocatedAt, days: ageDays(a.allocatedAt, at), detail: `安排后超过 ${days} 天未使用 (allocated more than ${days} days ago and not used)` });
      }
    }
    for (const u of s.uses) {
      if (u.evidence.length === 0) {
        out.push({ ...base, kind: 'use-without-evidence', itemId: u.id, amount: u.amount, valueFen: u.valueFen, since: u.usedAt, days: ageDays(u.usedAt, at), detail: '使用记录没有凭证 (a use recorded without evidence)' });
      }
      if (!u.confirmedAt && old(u.usedAt)) {
        out.push({ ...base, kind: 'use-unconfirmed', itemId: u.id, amount: u.amount, valueFen: u.valueFen, since: u.usedAt, days: ageDays(u.usedAt, at), detail: `村 ${u.villageCode} 超过 ${days} 天未确认 (not confirmed by the village for more than ${days} days)` });
      }
    }
  }
  return out.sort((a, b) => ANOMALY_KINDS.indexOf(a.kind) - ANOMALY_KINDS.indexOf(b.kind) || (a.since ?? '').localeCompare(b.since ?? ''));
}
