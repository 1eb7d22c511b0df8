import { DomainEvent } from '@shecun/core';
import { Category, Evidence, ItemQuantity, LineItem } from './need.model';

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
  { needId: string; commitmentId: string; deliveryId: string; note: string; confirmedAt: string }
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
  | DeliveryConfirmed;

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
];

export const isNeedEvent = (event: { type: string }): event is NeedEvent =>
  (NEED_EVENT_TYPES as string[]).includes(event.type);
