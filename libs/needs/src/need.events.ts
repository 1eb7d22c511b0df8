import { DomainEvent } from '@shecun/core';
import { Evidence, ItemQuantity, LineItem } from './need.model';
import { Category } from '@shecun/categories';

export interface NeedFields {
  title: string;
  description: string;
  category: Category;
  lineItems: LineItem[];
  /** Date (YYYY-MM-DD) by which the village needs it; a published need with no taker expires after it. */
  dueDate: string | null;
  /** Offers that fit what is still lacking are accepted at once, without the coordinator. */
  autoAccept: boolean;
}

export type NeedDrafted = DomainEvent<'NeedDrafted', NeedFields & { needId: string; villageCode: string; draftedAt: string }>;
export type NeedPublished = DomainEvent<'NeedPublished', { needId: string; publishedAt: string }>;
export type NeedRevised = DomainEvent<'NeedRevised', NeedFields & { needId: string; reason: string; revisedAt: string }>;
export type NeedWithdrawn = DomainEvent<'NeedWithdrawn', { needId: string; reason: string; withdrawnAt: string }>;
export type NeedExpired = DomainEvent<'NeedExpired', { needId: string; expiredAt: string }>;
export type NeedFulfilled = DomainEvent<'NeedFulfilled', { needId: string; note: string; fulfilledAt: string }>;
export type NeedClosed = DomainEvent<'NeedClosed', { needId: string; note: string; closedAt: string }>;

/** A member's part of a team commitment: its share of the commitment's quantities. */
export interface MemberShare {
  organizationId: string;
  items: ItemQuantity[];
}

/** The team a commitment is offered on behalf of, with each member's share (组团帮扶). */
export interface CommitmentTeam {
  teamId: string;
  title: string;
  leadOrganizationId: string;
  members: Array<MemberShare & { organizationName: string; role: string }>;
}

export type CommitmentOffered = DomainEvent<
  'CommitmentOffered',
  {
    needId: string;
    commitmentId: string;
    organizationId: string;
    organizationName: string;
    items: ItemQuantity[];
    /** Date (YYYY-MM-DD) the organization promises to deliver by. */
    promisedBy: string;
    note: string;
    offeredAt: string;
    /** Present when a hub offers on behalf of a team; the holder (organizationId) is the lead. */
    team?: CommitmentTeam;
  }
>;
export type CommitmentAccepted = DomainEvent<'CommitmentAccepted', { needId: string; commitmentId: string; automatic: boolean; acceptedAt: string }>;
export type CommitmentDeclined = DomainEvent<'CommitmentDeclined', { needId: string; commitmentId: string; reason: string; declinedAt: string }>;
export type CommitmentWithdrawn = DomainEvent<'CommitmentWithdrawn', { needId: string; commitmentId: string; reason: string; withdrawnAt: string }>;
export type DeliveryRecorded = DomainEvent<
  'DeliveryRecorded',
  { needId: string; commitmentId: string; deliveryId: string; items: ItemQuantity[]; evidence: Evidence[]; note: string; recordedAt: string }
>;
export type DeliveryConfirmed = DomainEvent<
  'DeliveryConfirmed',
  /**
   * noEvidenceReason: why the coordinator confirmed a delivery that has no evidence (absent otherwise);
   * evidence: what the coordinator brought with the confirmation (a photo of the arrival), absent when none.
   */
  { needId: string; commitmentId: string; deliveryId: string; note: string; noEvidenceReason?: string; evidence?: Evidence[]; confirmedAt: string }
>;

/** Claim hygiene (Crisis Cleanup): the holder hands an accepted commitment to another organization. */
export type CommitmentHandoverRequested = DomainEvent<
  'CommitmentHandoverRequested',
  { needId: string; commitmentId: string; fromOrganizationId: string; toOrganizationId: string; toOrganizationName: string; reason: string; requestedAt: string }
>;
/** The receiver accepted: it now holds the commitment (the coordinator sees it flagged). */
export type CommitmentHandedOver = DomainEvent<
  'CommitmentHandedOver',
  {
    needId: string;
    commitmentId: string;
    fromOrganizationId: string;
    fromOrganizationName: string;
    toOrganizationId: string;
    toOrganizationName: string;
    reason: string;
    handedOverAt: string;
  }
>;
/** The receiver declined, or the holder called the request off (`by`). */
export type CommitmentHandoverDeclined = DomainEvent<
  'CommitmentHandoverDeclined',
  { needId: string; commitmentId: string; toOrganizationId: string; by: 'receiver' | 'holder'; reason: string; declinedAt: string }
>;

export type NeedEvent =
  | NeedDrafted
  | NeedPublished
  | NeedRevised
  | NeedWithdrawn
  | NeedExpired
  | NeedFulfilled
  | NeedClosed
  | CommitmentOffered
  | CommitmentAccepted
  | CommitmentDeclined
  | CommitmentWithdrawn
  | DeliveryRecorded
  | DeliveryConfirmed
  | CommitmentHandoverRequested
  | CommitmentHandedOver
  | CommitmentHandoverDeclined;

export const NEED_EVENT_TYPES: NeedEvent['type'][] = [
  'NeedDrafted',
  'NeedPublished',
  'NeedRevised',
  'NeedWithdrawn',
  'NeedExpired',
  'NeedFulfilled',
  'NeedClosed',
  'CommitmentOffered',
  'CommitmentAccepted',
  'CommitmentDeclined',
  'CommitmentWithdrawn',
  'DeliveryRecorded',
  'DeliveryConfirmed',
  'CommitmentHandoverRequested',
  'CommitmentHandedOver',
  'CommitmentHandoverDeclined',
];

export const isNeedEvent = (event: { type: string }): event is NeedEvent =>
  (NEED_EVENT_TYPES as string[]).includes(event.type);
