import type { EvidenceFileRef } from '@shecun/evidence';
/**
 * Vocabulary of the donations context. A donation flow (捐赠流向) is one hop of money or goods from
 * a provider to a recipient, after OCHA FTS flows and IATI transactions: a donor's gift to an
 * organization or fund is a root flow; an allocation onward to another organization or fund
 * starts a child flow (the receiver's own receipt), so money can pass donor → fund → hub →
 * village need and be followed both ways.
 */

export const flowStream = (flowId: string) => `donation-${flowId}`;
export const fundStream = (fundId: string) => `fund-${fundId}`;
export const isLedgerStream = (stream: string) => stream.startsWith('donation-') || stream.startsWith('fund-');

/** Who gives. Individuals are counted only in aggregate: no name is recorded. */
export type Donor =
  | { kind: 'organization'; organizationId: string; name: string }
  | { kind: 'member_unit'; organizationId: string; name: string }
  | { kind: 'individual' }
  /** A child flow: the parent flow's recipient passing money or goods on. */
  | { kind: 'transfer'; from: Party };
export const DONOR_KINDS = ['organization', 'member_unit', 'individual'] as const;

/** Who receives and holds a flow: an organization, or a fund (专项基金) held by one. */
export interface Party {
  kind: 'organization' | 'fund';
  id: string;
  name: string;
  /** The organization whose staff act for it (itself, or the fund's holder). */
  organizationId: string;
  /** Registered home division of the acting organization, for scoping. */
  divisionCode: string;
}

/** Money in fen; goods counted in their own unit, with an estimated value in fen for the whole pledge. */
export type Resource = { kind: 'money' } | { kind: 'goods'; item: string; unit: string; estimatedValueFen: number };

/** Where an allocation (使用安排) sends part of a flow. */
export type AllocationTarget =
  | { kind: 'need'; needId: string; villageCode: string; title: string; teamId?: string }
  | { kind: 'village'; villageCode: string; project: string }
  | { kind: 'organization' | 'fund'; party: Party };

export const isTransfer = (target: AllocationTarget): target is Extract<AllocationTarget, { kind: 'organization' | 'fund' }> =>
  target.kind === 'organization' || target.kind === 'fund';

export const EVIDENCE_KINDS = ['invoice', 'receipt', 'recipient_list', 'photo', 'document', 'link'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
export interface UseEvidence {
  kind: EvidenceKind;
  /** Invoice number, file reference or URL. */
  ref: string;
  /** Amount the document covers, in fen, where it states one. */
  amountFen?: number;
  note?: string;
  /** An uploaded evidence file: hash, type, size, uploader and visibility (absent on older events); sealed with the event. */
  file?: EvidenceFileRef;
}

