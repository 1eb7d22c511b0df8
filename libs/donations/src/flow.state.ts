/** A donation flow's commands, its state and the figures that follow from it. */
import { AllocationTarget, Donor, isTransfer, Party, Resource, UseEvidence } from './donation.model';
import { ParentLink } from './flow.events';

/** What the handler found of an organization in its own stream. */
export interface StandingInfo {
  exists: boolean;
  standing: 'normal' | 'abnormal' | 'deregistered';
}

export type FlowCommand =
  | {
      type: 'PledgeDonation';
      flowId: string;
      donor: Donor;
      /** Standing of the donor organization (or of the association a member unit belongs to); null for individuals. */
      donorStanding: StandingInfo | null;
      recipient: Party;
      resource: Resource;
      amount: number;
      note: string;
    }
  | { type: 'ReceiveDonation'; receiptNumber: string; amount: number; receivedOn: string; evidence?: UseEvidence[] }
  | {
      type: 'ReceiveTransfer';
      flowId: string;
      /** The parent flow's state, read by the handler from the parent's stream. */
      parent: FlowState;
      allocationId: string;
      receiptNumber: string;
      amount: number;
      receivedOn: string;
    }
  | { type: 'AllocateDonation'; allocationId: string; target: AllocationTarget; amount: number; note: string; childFlowId: string | null }
  | { type: 'ReturnAllocation'; allocationId: string; amount: number; reason: string }
  | {
      type: 'RecordUse';
      useId: string;
      allocationId: string;
      /** The need the use served, with its village as the needs context records it. */
      need: { needId: string; villageCode: string } | null;
      amount: number;
      evidence: UseEvidence[];
      usedOn: string;
      note: string;
    }
  | { type: 'AddUseEvidence'; useId: string; evidence: UseEvidence[] }
  /** reason: required when the use has no evidence, recorded in the event. */
  | { type: 'ConfirmUse'; useId: string; note: string; reason?: string }
  | { type: 'DiscloseDonation' }
  | { type: 'RefundDonation'; amount: number; reason: string }
  | { type: 'CorrectReceipt'; amount: number; receiptNumber: string; reason: string };

export interface AllocationState {
  id: string;
  target: AllocationTarget;
  amount: number;
  valueFen: number;
  returned: number;
  childFlowId: string | null;
  note: string;
  allocatedAt: string;
  hash: string | null;
}

export interface UseState {
  id: string;
  allocationId: string;
  needId: string | null;
  villageCode: string;
  amount: number;
  valueFen: number;
  evidence: UseEvidence[];
  usedOn: string;
  note: string;
  usedAt: string;
  confirmedAt: string | null;
  confirmedBy: string | null;
  /** Why it was confirmed without evidence (only then). */
  noEvidenceReason?: string;
}

export interface FlowState {
  exists: boolean;
  id: string;
  /** Events folded so far (the next event's sequence) and the last event's hash. */
  version: number;
  lastHash: string | null;
  parent: ParentLink | null;
  donor: Donor;
  recipient: Party;
  resource: Resource;
  /** Pledged amount (for a transfer: what the parent allocated), the basis of goods' value shares. */
  pledged: number;
  pledgedAt: string | null;
  received: number;
  receivedAt: string | null;
  receivedOn: string | null;
  receiptNumber: string | null;
  /** Scans of the receipt, when the recipient attached any. */
  receiptEvidence?: UseEvidence[];
  refunds: { amount: number; reason: string; at: string }[];
  corrections: { from: { amount: number; receiptNumber: string }; to: { amount: number; receiptNumber: string }; reason: string; at: string }[];
  allocations: AllocationState[];
  uses: UseState[];
  disclosedAt: string | null;
  /** Actors and times of each step, for the trace. */
  steps: { type: string; at: string }[];
}

const NOBODY: Party = { kind: 'organization', id: '', name: '', organizationId: '', divisionCode: '' };

export const initialFlowState: FlowState = {
  exists: false,
  id: '',
  version: 0,
  lastHash: null,
  parent: null,
  donor: { kind: 'individual' },
  recipient: NOBODY,
  resource: { kind: 'money' },
  pledged: 0,
  pledgedAt: null,
  received: 0,
  receivedAt: null,
  receivedOn: null,
  receiptNumber: null,
  refunds: [],
  corrections: [],
  allocations: [],
  uses: [],
  disclosedAt: null,
  steps: [],
};

// ---- derived figures -------------------------------------------------------------------------

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
export const refundedOf = (s: FlowState) => sum(s.refunds.map((r) => r.amount));
export const netAllocation = (a: AllocationState) => a.amount - a.returned;
export const allocatedOf = (s: FlowState) => sum(s.allocations.map(netAllocation));
export const usedOn = (s: FlowState, allocationId: string) => sum(s.uses.filter((u) => u.allocationId === allocationId).map((u) => u.amount));
export const usedOf = (s: FlowState) => sum(s.uses.map((u) => u.amount));
export const confirmedOf = (s: FlowState) => sum(s.uses.filter((u) => u.confirmedAt).map((u) => u.amount));
/** Received, less refunds and net allocations: what can still be allocated or refunded. */
export const availableOf = (s: FlowState) => s.received - refundedOf(s) - allocatedOf(s);

/** Estimated value in fen of `amount` units of this flow (fen themselves for money). */
export function valueOf(s: Pick<FlowState, 'resource' | 'pledged'>, amount: number): number {
  if (s.resource.kind === 'money') return amount;
  return s.pledged > 0 ? Math.round((s.resource.estimatedValueFen * amount) / s.pledged) : 0;
}

export type FlowStatus = 'pledged' | 'received' | 'allocated' | 'used' | 'confirmed' | 'refunded';
export function flowStatus(s: FlowState): FlowStatus {
  if (!s.receivedAt) return 'pledged';
  if (s.received > 0 && refundedOf(s) >= s.received) return 'refunded';
  const directAllocated = sum(s.allocations.filter((a) => !isTransfer(a.target)).map(netAllocation));
  const used = usedOf(s);
  if (used > 0 && used === confirmedOf(s) && used >= directAllocated && availableOf(s) === 0) return 'confirmed';
  if (used > 0) return 'used';
  if (allocatedOf(s) > 0) return 'allocated';
  return 'received';
}

/** The village an allocation serves (none for a transfer onward). */
export const allocationVillage = (a: Pick<AllocationState, 'target'>): string | null =>
  a.target.kind === 'need' || a.target.kind === 'village' ? a.target.villageCode : null;
