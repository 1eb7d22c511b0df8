import { isTransfer } from './donation.model';
import { allocationVillage, FlowState, netAllocation, refundedOf, valueOf } from './flow.decider';

/**
 * How donated money is counted (计数规则), once, for the dashboard, its CSV and its sources.
 *
 * 1. Money is counted once, where it enters from outside: a donor's gift (a root flow, one
 *    without a parent) received, net of refunds and receipt corrections, is 到账 `received`, dated
 *    by its receipt. When a registered organization or fund passes money on (an allocation to an
 *    organization or fund, received by the receiver as a child flow) it is not received again: it
 *    is 转拨 `transferred`, its own figure, dated by the receiver's receipt, counted once per hop
 *    (money passing fund → hub → charity is transferred twice).
 * 2. A region's figure counts the part allocated to its villages. Every fen of a gift ends in one
 *    place: a village allocation (net of returns), however many transfers it went through, or,
 *    while nobody has allocated it to a village, with the organization or fund that holds it:
 *    未分配 `unallocated` (including a transfer not received yet, or refunded by its receiver back
 *    to the sender). Unallocated money belongs to no region below the province: it is shown at
 *    province level only, as its own part, so province = its cities + 未分配, and every other
 *    region = the sum of its children.
 * 3. 安排 `allocated` is the allocations to villages (net of returns), dated by the allocation;
 *    使用 `used` the uses, dated by the use; `evidenced` the uses with evidence (发票、名单、照片),
 *    dated by the use; 确认 `confirmed` the uses the village confirmed, dated by the confirmation.
 *    These always sit at a village.
 *
 * Amounts are fen of value: money in fen, goods at their estimated value, each allocation valued
 * on its own flow (valueOf). The unallocated part is what a flow received less what it passed on,
 * in fen, so for goods the fen lost or gained by rounding single allocations stays there and
 * every gift still adds up to exactly its received value.
 *
 * Each part carries the references of the events behind it (a receipt with its refunds and
 * corrections, an allocation with its returns, a use, a confirmation), which the dashboard
 * resolves to event ids in the flows' streams.
 */

export const MONEY_FIGURES = ['received', 'transferred', 'allocated', 'used', 'evidenced', 'confirmed'] as const;
export type MoneyFigure = (typeof MONEY_FIGURES)[number];

/** Events of one flow behind a part. */
export interface SourceRef {
  flowId: string;
  /**
   * receipt: the flow's DonationReceived or TransferReceived with its DonationRefunded and
   * ReceiptCorrected; allocation: a DonationAllocated with its AllocationReturned; use:
   * DonationUsed with its UseEvidenceAdded; confirmation: UseConfirmed.
   */
  kind: 'receipt' | 'allocation' | 'use' | 'confirmation';
  /** The allocation's or use's id (null for a receipt). */
  itemId: string | null;
}

export interface MoneyPart {
  figure: MoneyFigure;
  /** The village it is allocated to, or null: held by an organization or fund, 未分配. */
  villageCode: string | null;
  fen: number;
  /** The instant that dates it (its period bucket). */
  at: string;
  /** The flow that holds it: the village allocation's flow, or the holder's flow for unallocated money. */
  flowId: string;
  /** The gift it came from (the root flow), when known. */
  rootFlowId: string | null;
  holder: string;
  sources: SourceRef[];
}

export const netReceived = (s: FlowState) => s.received - refundedOf(s);

const receipt = (flowId: string): SourceRef => ({ flowId, kind: 'receipt', itemId: null });
const allocation = (flowId: string, itemId: string): SourceRef => ({ flowId, kind: 'allocation', itemId });

/**
 * Every part of every counted figure of the given flows. A child flow's parts need its ancestors
 * among `flows` to be counted as received (and as transferred at each hop above it); the
 * unallocated parts need whole trees, so they are computed only when `complete` (all flows given).
 */
export function countMoney(flows: Iterable<FlowState>, options: { complete: boolean } = { complete: true }): MoneyPart[] {
  const byId = new Map<string, FlowState>();
  for (const s of flows) if (s.exists) byId.set(s.id, s);
  const parts: MoneyPart[] = [];

  /** The flow and its ancestors, the flow first (stops at a parent not given). */
  const chain = (s: FlowState): FlowState[] => {
    const path = [s];
    const seen = new Set([s.id]);
    for (let p = s.parent; p && !seen.has(p.flowId); ) {
      const parent = byId.get(p.flowId);
      if (!parent) break;
      path.push(parent);
      seen.add(parent.id);
      p = parent.parent;
    }
    return path;
  };

  for (const s of byId.values()) {
    if (!s.receivedAt) continue;
    const path = chain(s);
    const root = path[path.length - 1];
    const rooted = root.parent === null && root.receivedAt !== null;
    // The events that carried the money from the gift down to this flow: the gift's receipt, then
    // for each hop the transfer allocation and the receiver's receipt.
    const route: SourceRef[] = [];
    for (let i = path.length - 1; i >= 0; i--) {
      const f = path[i];
      if (f.parent && i < path.length - 1) route.push(allocation(f.parent.flowId, f.parent.allocationId));
      route.push(receipt(f.id));
    }
    /** Received (if rooted) and transferred at each hop above, for a part of this flow. */
    const carried = (villageCode: string | null, fen: number, own: SourceRef[]) => {
      const base = { villageCode, fen, flowId: s.id, rootFlowId: rooted ? root.id : null, holder: s.recipient.name };
      if (rooted) parts.push({ ...base, figure: 'received', at: root.receivedAt!, sources: [...route, ...own] });
      for (let i = 0; i < path.length; i++) {
        const hop = path[i];
        if (!hop.parent || !hop.receivedAt) continue;
        // The route from this hop's transfer down: the part of `route` after the hop's parent.
        const from = route.findIndex((r) => r.kind === 'allocation' && r.flowId === hop.parent!.flowId && r.itemId === hop.parent!.allocationId);
        parts.push({ ...base, figure: 'transferred', at: hop.receivedAt, sources: [...route.slice(Math.max(0, from)), ...own] });
      }
    };

    let passedOn = 0;
    const passing: SourceRef[] = [];
    for (const a of s.allocations) {
      const village = allocationVillage(a);
      if (village !== null) {
        const fen = valueOf(s, netAllocation(a));
        passedOn += fen;
        passing.push(allocation(s.id, a.id));
        if (fen === 0) continue;
        parts.push({ figure: 'allocated', villageCode: village, fen, at: a.allocatedAt, flowId: s.id, rootFlowId: rooted ? root.id : null, holder: s.recipient.name, sources: [allocation(s.id, a.id)] });
        carried(village, fen, [allocation(s.id, a.id)]);
      } else if (isTransfer(a.target)) {
        passing.push(allocation(s.id, a.id));
        const child = a.childFlowId ? byId.get(a.childFlowId) : undefined;
        if (child?.receivedAt) {
          passedOn += valueOf(child, netReceived(child));
          passing.push(receipt(child.id));
        }
      }
    }
    for (const u of s.uses) {
      const base = { villageCode: u.villageCode, fen: u.valueFen, flowId: s.id, rootFlowId: rooted ? root.id : null, holder: s.recipient.name };
      parts.push({ ...base, figure: 'used', at: u.usedAt, sources: [{ flowId: s.id, kind: 'use', itemId: u.id }] });
      if (u.evidence.length > 0) parts.push({ ...base, figure: 'evidenced', at: u.usedAt, sources: [{ flowId: s.id, kind: 'use', itemId: u.id }] });
      if (u.confirmedAt) parts.push({ ...base, figure: 'confirmed', at: u.confirmedAt, sources: [{ flowId: s.id, kind: 'use', itemId: u.id }, { flowId: s.id, kind: 'confirmation', itemId: u.id }] });
    }
    if (options.complete) {
      // What this flow received and did not pass on to a village or to a receiver who took it.
      const held = valueOf(s, netReceived(s)) - passedOn;
      if (held !== 0) carried(null, held, passing);
    }
  }
  return parts.filter((p) => p.fen !== 0);
}

/** Whether a part counts in a region: its villages, and the unallocated parts at the province only. */
export const partInRegion = (part: Pick<MoneyPart, 'villageCode'>, region: string, province: string): boolean =>
  part.villageCode === null ? region === province : part.villageCode.startsWith(region);
