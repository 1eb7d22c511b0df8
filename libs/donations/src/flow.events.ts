/** The events of a donation flow's stream, each sealed into its hash chain (ledger.ts). */
import { DomainEvent } from '@shecun/core';
import { AllocationTarget, Donor, Party, Resource, UseEvidence } from './donation.model';
import { Seal } from './ledger';

export type Sealed<T> = T & { ledger?: Seal };

export interface ParentLink {
  flowId: string;
  streamName: string;
  allocationId: string;
  allocationHash: string;
}

export type DonationPledged = DomainEvent<'DonationPledged', Sealed<{ flowId: string; donor: Donor; recipient: Party; resource: Resource; amount: number; note: string; pledgedAt: string }>>;
/** evidence: scans of the receipt (捐赠票据) as uploaded files; only when given. */
export type DonationReceived = DomainEvent<'DonationReceived', Sealed<{ flowId: string; receiptNumber: string; amount: number; receivedOn: string; evidence?: UseEvidence[]; receivedAt: string }>>;
export type TransferReceived = DomainEvent<
  'TransferReceived',
  Sealed<{ flowId: string; parent: ParentLink; donor: Donor; recipient: Party; resource: Resource; amount: number; receiptNumber: string; receivedOn: string; receivedAt: string }>
>;
export type DonationAllocated = DomainEvent<
  'DonationAllocated',
  Sealed<{ flowId: string; allocationId: string; target: AllocationTarget; amount: number; valueFen: number; childFlowId: string | null; note: string; allocatedAt: string }>
>;
export type AllocationReturned = DomainEvent<'AllocationReturned', Sealed<{ flowId: string; allocationId: string; amount: number; reason: string; returnedAt: string }>>;
export type DonationUsed = DomainEvent<
  'DonationUsed',
  Sealed<{ flowId: string; useId: string; allocationId: string; needId: string | null; villageCode: string; amount: number; valueFen: number; evidence: UseEvidence[]; usedOn: string; note: string; usedAt: string }>
>;
export type UseEvidenceAdded = DomainEvent<'UseEvidenceAdded', Sealed<{ flowId: string; useId: string; evidence: UseEvidence[]; addedAt: string }>>;
/** noEvidenceReason: why the coordinator confirmed a use that has no evidence (absent otherwise). */
export type UseConfirmed = DomainEvent<'UseConfirmed', Sealed<{ flowId: string; useId: string; note: string; noEvidenceReason?: string; confirmedAt: string }>>;
export type DonationDisclosed = DomainEvent<'DonationDisclosed', Sealed<{ flowId: string; disclosedAt: string }>>;
export type DonationRefunded = DomainEvent<'DonationRefunded', Sealed<{ flowId: string; amount: number; reason: string; refundedAt: string }>>;
export type ReceiptCorrected = DomainEvent<
  'ReceiptCorrected',
  Sealed<{ flowId: string; from: { amount: number; receiptNumber: string }; to: { amount: number; receiptNumber: string }; reason: string; correctedAt: string }>
>;

export type FlowEvent =
  | DonationPledged
  | DonationReceived
  | TransferReceived
  | DonationAllocated
  | AllocationReturned
  | DonationUsed
  | UseEvidenceAdded
  | UseConfirmed
  | DonationDisclosed
  | DonationRefunded
  | ReceiptCorrected;
export const FLOW_EVENT_TYPES: FlowEvent['type'][] = [
  'DonationPledged',
  'DonationReceived',
  'TransferReceived',
  'DonationAllocated',
  'AllocationReturned',
  'DonationUsed',
  'UseEvidenceAdded',
  'UseConfirmed',
  'DonationDisclosed',
  'DonationRefunded',
  'ReceiptCorrected',
];
export const isFlowEvent = (e: { type: string }): e is FlowEvent => (FLOW_EVENT_TYPES as string[]).includes(e.type);
