/**
 * Generated donation graphs for test/e2e/donation-counting.spec.ts: the operations fast-check draws
 * (gifts, allocations, transfers and chains of them, returns, uses, confirmations, refunds, receipt
 * corrections, needs), and the independent recomputation the dashboard's figures are checked
 * against: a simple fold of the raw donation events.
 */
import { chinaDate } from '@shecun/core';
import { RecordedEvent } from '@shecun/event-store';
import fc from 'fast-check';

// ---- the operations of a generated graph ---------------------------------------------------------

export type Op =
  | { kind: 'gift'; party: number; goods: boolean; amount: number; valueFen: number; part: number }
  | { kind: 'allocate' | 'transfer' | 'refund' | 'correct'; node: number; pick: number; part: number }
  | { kind: 'receive' | 'return' | 'use' | 'confirm'; pick: number; part: number; evidence: boolean }
  | { kind: 'need'; village: number; category: number; matched: boolean }
  /** Passes money on `hops` times in a row, each receiver taking `received` of it and passing `part` of what it has on. */
  | { kind: 'chain'; node: number; pick: number; hops: number; part: number; received: number };

const part = fc.double({ min: 0.05, max: 1, noNaN: true });
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('gift' as const), party: fc.nat(), goods: fc.boolean(), amount: fc.integer({ min: 1, max: 5_000_000 }), valueFen: fc.integer({ min: 0, max: 3_000_000 }), part }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constantFrom('allocate' as const, 'transfer' as const, 'transfer' as const, 'refund' as const, 'correct' as const), node: fc.nat(), pick: fc.nat(), part }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constantFrom('receive' as const, 'receive' as const, 'return' as const, 'use' as const, 'confirm' as const), pick: fc.nat(), part, evidence: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('need' as const), village: fc.nat(), category: fc.nat(), matched: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('chain' as const), node: fc.nat(), pick: fc.nat(), hops: fc.integer({ min: 2, max: 3 }), part, received: fc.double({ min: 0.5, max: 1, noNaN: true }) }) },
);

// ---- the independent recomputation: a simple fold of the raw donation events ---------------------

export interface Flat {
  id: string;
  parent: { flowId: string; allocationId: string } | null;
  goods: { estimatedValueFen: number } | null;
  pledged: number;
  received: number;
  receivedAt: string | null;
  refunded: number;
  allocations: Map<string, { village: string | null; child: string | null; amount: number; returned: number; at: string }>;
  uses: Map<string, { village: string; valueFen: number; at: string; evidence: number; confirmedAt: string | null }>;
}

export function foldRaw(events: RecordedEvent[]): Map<string, Flat> {
  const flows = new Map<string, Flat>();
  for (const e of events) {
    if (!e.streamName.startsWith('donation-')) continue;
    const d = e.data as Record<string, any>;
    let f = flows.get(d.flowId);
    if (!f) flows.set(d.flowId, (f = { id: d.flowId, parent: null, goods: null, pledged: 0, received: 0, receivedAt: null, refunded: 0, allocations: new Map(), uses: new Map() }));
    switch (e.type) {
      case 'DonationPledged': f.pledged = d.amount; f.goods = d.resource.kind === 'goods' ? d.resource : null; break;
      case 'TransferReceived': f.parent = { flowId: d.parent.flowId, allocationId: d.parent.allocationId }; f.goods = d.resource.kind === 'goods' ? d.resource : null; f.pledged = d.amount; f.received = d.amount; f.receivedAt = d.receivedAt; break;
      case 'DonationReceived': f.received = d.amount; f.receivedAt = d.receivedAt; break;
      case 'ReceiptCorrected': f.received = d.to.amount; break;
      case 'DonationRefunded': f.refunded += d.amount; break;
      case 'DonationAllocated': {
        const t = d.target;
        f.allocations.set(d.allocationId, { village: t.kind === 'need' || t.kind === 'village' ? t.villageCode : null, child: d.childFlowId, amount: d.amount, returned: 0, at: d.allocatedAt });
        break;
      }
      case 'AllocationReturned': f.allocations.get(d.allocationId)!.returned += d.amount; break;
      case 'DonationUsed': f.uses.set(d.useId, { village: d.villageCode, valueFen: d.valueFen, at: d.usedAt, evidence: d.evidence.length, confirmedAt: null }); break;
      case 'UseEvidenceAdded': f.uses.get(d.useId)!.evidence += d.evidence.length; break;
      case 'UseConfirmed': f.uses.get(d.useId)!.confirmedAt = d.confirmedAt; break;
    }
  }
  return flows;
}

export const fen = (f: Flat, units: number) => (f.goods === null ? units : f.pledged > 0 ? Math.round((f.goods.estimatedValueFen * units) / f.pledged) : 0);
export const net = (f: Flat) => f.received - f.refunded;

/** Every counted amount: figure, place (a village, or 'U' for 未分配) and the China date that dates it. */
export function recount(flows: Map<string, Flat>): Array<{ figure: string; place: string; date: string; fen: number }> {
  const out: Array<{ figure: string; place: string; date: string; fen: number }> = [];
  /** The village allocations of a flow and of everything below it, in fen. */
  const villagesBelow = (f: Flat): Array<{ village: string; fen: number }> => {
    const found: Array<{ village: string; fen: number }> = [];
    for (const a of f.allocations.values()) {
      if (a.village) found.push({ village: a.village, fen: fen(f, a.amount - a.returned) });
      else if (a.child && flows.get(a.child)?.receivedAt) found.push(...villagesBelow(flows.get(a.child)!));
    }
    return found;
  };
  /** A flow's net receipt spread over its subtree's villages, the rest unallocated, dated `at`. */
  const spread = (figure: string, f: Flat, at: string) => {
    const villages = villagesBelow(f);
    for (const v of villages) out.push({ figure, place: v.village, date: chinaDate(at), fen: v.fen });
    out.push({ figure, place: 'U', date: chinaDate(at), fen: fen(f, net(f)) - villages.reduce((s, v) => s + v.fen, 0) });
  };
  for (const f of flows.values()) {
    if (!f.receivedAt) continue;
    spread(f.parent ? 'transferred' : 'received', f, f.receivedAt);
    for (const a of f.allocations.values()) if (a.village) out.push({ figure: 'allocated', place: a.village, date: chinaDate(a.at), fen: fen(f, a.amount - a.returned) });
    for (const u of f.uses.values()) {
      out.push({ figure: 'used', place: u.village, date: chinaDate(u.at), fen: u.valueFen });
      if (u.evidence > 0) out.push({ figure: 'evidenced', place: u.village, date: chinaDate(u.at), fen: u.valueFen });
      if (u.confirmedAt) out.push({ figure: 'confirmed', place: u.village, date: chinaDate(u.confirmedAt), fen: u.valueFen });
    }
  }
  return out.filter((p) => p.fen !== 0);
}
