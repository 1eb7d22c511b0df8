import type { EvidenceFileRef } from '@shecun/evidence';
import type { Category } from '@shecun/categories';
/** Vocabulary of the needs context (DOMAIN.md: resource kinds; the assistance categories are in libs/categories). */


/**
 * What a line item asks for, and the unit its integer quantity counts:
 * funds → fen (分); goods → the item's own unit; facility → facilities; training → sessions;
 * service_hours → hours; job_posts → posts.
 */
export const LINE_ITEM_KINDS = ['funds', 'goods', 'facility', 'training', 'service_hours', 'job_posts'] as const;
export type LineItemKind = (typeof LINE_ITEM_KINDS)[number];

export const KIND_LABELS: Record<LineItemKind, string> = {
  funds: '资金',
  goods: '物资',
  facility: '捐建设施',
  training: '培训',
  service_hours: '服务/志愿时长',
  job_posts: '就业岗位',
};

export const DEFAULT_UNIT: Record<LineItemKind, string | undefined> = {
  funds: '分',
  goods: undefined,
  facility: '处',
  training: '期',
  service_hours: '小时',
  job_posts: '个',
};

export interface LineItem {
  id: string;
  kind: LineItemKind;
  description: string;
  unit: string;
  /** Integer quantity in `unit` (fen for funds). */
  quantity: number;
  /** Estimated value in fen, for goods, facilities and the like. */
  estimatedValueFen?: number;
  /** Training: expected participants. */
  participants?: number;
}

export interface ItemQuantity {
  lineItemId: string;
  quantity: number;
}

export const EVIDENCE_KINDS = ['photo', 'document', 'receipt', 'invoice', 'recipient_list', 'link', 'note'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export interface Evidence {
  kind: EvidenceKind;
  /** A URL or document number; for an uploaded file `sha256:<hash>` (older events: free text such as a file path). */
  ref: string;
  note?: string;
  /** An uploaded evidence file: hash, type, size, uploader and visibility (absent on older events). */
  file?: EvidenceFileRef;
}

/** Lifecycle steps recorded by events; `needStatus` derives the commitment-based ones. */
export type NeedLifecycle = 'draft' | 'published' | 'withdrawn' | 'expired' | 'fulfilled' | 'closed';
export type NeedStatus =
  | 'draft'
  | 'published'
  | 'partially_committed'
  | 'fully_committed'
  | 'delivered'
  | 'fulfilled'
  | 'closed'
  | 'withdrawn'
  | 'expired';
export const NEED_STATUSES: NeedStatus[] = [
  'draft',
  'published',
  'partially_committed',
  'fully_committed',
  'delivered',
  'fulfilled',
  'closed',
  'withdrawn',
  'expired',
];
export type LineItemStatus = 'uncommitted' | 'partially_committed' | 'fully_committed' | 'delivered' | 'fulfilled';
export type CommitmentStatus = 'offered' | 'accepted' | 'declined' | 'withdrawn' | 'delivered';
export const COMMITMENT_STATUSES: CommitmentStatus[] = ['offered', 'accepted', 'declined', 'withdrawn', 'delivered'];

export const needStream = (needId: string) => `need-${needId}`;
