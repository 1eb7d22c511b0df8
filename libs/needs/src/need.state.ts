/** A need's commands and state, and what follows from the state (quantities, statuses, overdue). */
import { CommitmentTeam, MemberShare, NeedFields } from './need.events';
import { OrganizationStandingForNeeds } from './organization-standings';
import { KnownTeam } from './team-rosters';
import { CommitmentStatus, Evidence, ItemQuantity, LineItem, LineItemStatus, NeedLifecycle, NeedStatus } from './need.model';

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

export type LineItemInput = Omit<LineItem, 'id' | 'unit'> & { id?: string; unit?: string };
export type NeedFieldsInput = Omit<NeedFields, 'lineItems'> & { lineItems: LineItemInput[] };

export type NeedCommand =
  | ({ type: 'DraftNeed'; needId: string; villageCode: string; publish?: boolean } & NeedFieldsInput)
  | { type: 'PublishNeed' }
  /** Only the fields sent change (merge-patch); a line item list sent replaces the list. */
  | ({ type: 'ReviseNeed'; reason: string } & Partial<NeedFieldsInput>)
  | { type: 'WithdrawNeed'; reason: string }
  | { type: 'ExpireNeed' }
  | { type: 'FulfilNeed'; note: string }
  | { type: 'CloseNeed'; note: string }
  | {
      type: 'OfferCommitment';
      commitmentId: string;
      organizationId: string;
      organizationName: string;
      items: ItemQuantity[];
      promisedBy: string;
      note: string;
      /**
       * The organization's standing as the needs context knows it (set by the command handler
       * from its standings view). Missing counts as unregistered: only `normal` may commit.
       */
      organizationStanding?: OrganizationStandingForNeeds;
      /** 组团帮扶: offered by the team's lead hub on behalf of the team, with each member's share. */
      teamId?: string;
      shares?: MemberShare[];
      /** Set by the handler from the needs context's team-roster view; null when it knows no such team. */
      team?: TeamForCommitment | null;
    }
  | { type: 'AcceptCommitment'; commitmentId: string }
  | { type: 'DeclineCommitment'; commitmentId: string; reason: string }
  | { type: 'WithdrawCommitment'; commitmentId: string; reason: string }
  | { type: 'RecordDelivery'; commitmentId: string; deliveryId: string; items: ItemQuantity[]; evidence: Evidence[]; note: string }
  /** reason: required when the delivery has no evidence, recorded in the event; evidence: the coordinator's own, added to the delivery's. */
  | { type: 'ConfirmDelivery'; commitmentId: string; deliveryId: string; note: string; reason?: string; evidence?: Evidence[] }
  | {
      type: 'RequestHandover';
      commitmentId: string;
      toOrganizationId: string;
      reason: string;
      /** Set by the handler from the standings view (missing counts as unregistered). */
      toOrganizationStanding?: OrganizationStandingForNeeds;
      toOrganizationName?: string;
    }
  | {
      type: 'AcceptHandover';
      commitmentId: string;
      /** The accepting organization's standing and registered name, set by the handler. */
      organizationStanding?: OrganizationStandingForNeeds;
      organizationName?: string;
    }
  | { type: 'DeclineHandover'; commitmentId: string; reason: string };

/** A team as the needs context knows it (team-roster view), with each member's standing (standings view). */
export interface TeamForCommitment extends Omit<KnownTeam, 'members'> {
  members: Array<KnownTeam['members'][number] & { standing: OrganizationStandingForNeeds }>;
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export interface DeliveryState {
  id: string;
  items: ItemQuantity[];
  evidence: Evidence[];
  note: string;
  recordedAt: string;
  confirmedAt: string | null;
  /** Why it was confirmed without evidence (only then). */
  noEvidenceReason?: string;
}

export interface CommitmentState {
  id: string;
  organizationId: string;
  organizationName: string;
  items: ItemQuantity[];
  promisedBy: string;
  note: string;
  status: Exclude<CommitmentStatus, 'delivered'>;
  offeredAt: string;
  acceptedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  deliveries: DeliveryState[];
  /** The team it was offered on behalf of, with members' shares; null for one organization's commitment. */
  team: CommitmentTeam | null;
  /** A handover requested by the holder and not yet answered. */
  handover: PendingHandover | null;
  /** Handovers that took place, oldest first (the coordinator's views flag a handed-over commitment). */
  handovers: HandoverRecord[];
}

export interface PendingHandover {
  toOrganizationId: string;
  toOrganizationName: string;
  reason: string;
  requestedAt: string;
}

export interface HandoverRecord {
  fromOrganizationId: string;
  fromOrganizationName: string;
  toOrganizationId: string;
  toOrganizationName: string;
  reason: string;
  handedOverAt: string;
}

export interface NeedState {
  exists: boolean;
  id: string;
  villageCode: string;
  fields: NeedFields;
  lifecycle: NeedLifecycle;
  commitments: CommitmentState[];
  draftedAt: string | null;
  publishedAt: string | null;
  firstAcceptedAt: string | null;
  fulfilledAt: string | null;
  closedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
}

export const initialNeedState: NeedState = {
  exists: false,
  id: '',
  villageCode: '',
  fields: { title: '', description: '', category: 'industry', lineItems: [], dueDate: null, autoAccept: false },
  lifecycle: 'draft',
  commitments: [],
  draftedAt: null,
  publishedAt: null,
  firstAcceptedAt: null,
  fulfilledAt: null,
  closedAt: null,
  endedAt: null,
  endReason: null,
};

// ---------------------------------------------------------------------------------------------
// Derived figures
// ---------------------------------------------------------------------------------------------

export const sumFor = (items: ItemQuantity[], lineItemId: string) =>
  items.reduce((sum, item) => (item.lineItemId === lineItemId ? sum + item.quantity : sum), 0);

/** Quantity of a line item covered by accepted (not withdrawn) commitments. */
export function acceptedQuantity(state: NeedState, lineItemId: string): number {
  return state.commitments.reduce((sum, c) => (c.status === 'accepted' ? sum + sumFor(c.items, lineItemId) : sum), 0);
}

/** Quantity offered and still awaiting the coordinator. */
export function pendingQuantity(state: NeedState, lineItemId: string): number {
  return state.commitments.reduce((sum, c) => (c.status === 'offered' ? sum + sumFor(c.items, lineItemId) : sum), 0);
}

/** Quantity delivered and confirmed by the coordinator. */
export function confirmedQuantity(state: NeedState, lineItemId: string): number {
  let sum = 0;
  for (const c of state.commitments) for (const d of c.deliveries) if (d.confirmedAt) sum += sumFor(d.items, lineItemId);
  return sum;
}

/** Quantity recorded as delivered by a commitment (confirmed or not). */
export function recordedForCommitment(commitment: CommitmentState, lineItemId: string): number {
  return commitment.deliveries.reduce((sum, d) => sum + sumFor(d.items, lineItemId), 0);
}

/** What a line item still lacks: its quantity less what accepted commitments cover. */
export function lackingQuantity(state: NeedState, lineItem: LineItem): number {
  return Math.max(0, lineItem.quantity - acceptedQuantity(state, lineItem.id));
}

export function lineItemStatus(state: NeedState, lineItem: LineItem): LineItemStatus {
  if (state.lifecycle === 'fulfilled' || state.lifecycle === 'closed') return 'fulfilled';
  if (confirmedQuantity(state, lineItem.id) >= lineItem.quantity) return 'delivered';
  const accepted = acceptedQuantity(state, lineItem.id);
  if (accepted >= lineItem.quantity) return 'fully_committed';
  return accepted > 0 ? 'partially_committed' : 'uncommitted';
}

export function needStatus(state: NeedState): NeedStatus {
  if (state.lifecycle !== 'published') return state.lifecycle;
  const items = state.fields.lineItems.map((li) => lineItemStatus(state, li));
  if (items.length > 0 && items.every((s) => s === 'delivered')) return 'delivered';
  if (items.length > 0 && items.every((s) => s === 'delivered' || s === 'fully_committed')) return 'fully_committed';
  return items.some((s) => s !== 'uncommitted') ? 'partially_committed' : 'published';
}

export function commitmentStatus(commitment: CommitmentState): CommitmentStatus {
  if (commitment.status !== 'accepted') return commitment.status;
  const delivered = commitment.items.every((item) => {
    const confirmed = commitment.deliveries
      .filter((d) => d.confirmedAt)
      .reduce((sum, d) => sum + sumFor(d.items, item.lineItemId), 0);
    return confirmed >= item.quantity;
  });
  return delivered ? 'delivered' : 'accepted';
}

/** States projected before teams and handovers existed lack these fields. */
export const teamOf = (c: CommitmentState): CommitmentTeam | null => c.team ?? null;
export const pendingHandoverOf = (c: CommitmentState): PendingHandover | null => c.handover ?? null;
export const handoversOf = (c: CommitmentState): HandoverRecord[] => c.handovers ?? [];

/** An accepted commitment past its promised date and not yet delivered in full. */
export function isOverdue(commitment: CommitmentState, today: string): boolean {
  return isOverdueOn(commitmentStatus(commitment), commitment.promisedBy, today);
}

/** Accepted and past its promised date (both China dates, `YYYY-MM-DD`). */
export function isOverdueOn(status: string, promisedBy: string, today: string): boolean {
  return status === 'accepted' && promisedBy < today;
}

