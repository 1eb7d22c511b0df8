import {
  acceptedQuantity,
  commitmentStatus,
  confirmedQuantity,
  handoversOf,
  isOverdueOn,
  lackingQuantity,
  lineItemStatus,
  NeedState,
  needStatus,
  pendingHandoverOf,
  pendingQuantity,
  recordedForCommitment,
  teamOf,
} from './need.decider';
import { KIND_LABELS } from './need.model';
import { CATEGORY_LABELS } from '@shecun/categories';

/** The need as users see it: the decider's state with every derived figure spelled out. */
export function presentNeed(state: NeedState, today: string) {
  return presentNeedDocument(needDocument(state), today);
}

/**
 * The need as the read model keeps it (needs_view.document): every figure derived from the
 * decider's state, and nothing that depends on the day it is read (a commitment's `overdue`, added
 * by {@link presentNeedDocument}). Its shape is the read model's own: a change to it raises the
 * needs projection's version, and the stored documents are rebuilt from the event store.
 */
export function needDocument(state: NeedState) {
  return {
    id: state.id,
    villageCode: state.villageCode,
    title: state.fields.title,
    description: state.fields.description,
    category: state.fields.category,
    categoryLabel: CATEGORY_LABELS[state.fields.category],
    dueDate: state.fields.dueDate,
    autoAccept: state.fields.autoAccept,
    status: needStatus(state),
    lineItems: state.fields.lineItems.map((li) => ({
      ...li,
      kindLabel: KIND_LABELS[li.kind],
      accepted: acceptedQuantity(state, li.id),
      pending: pendingQuantity(state, li.id),
      delivered: confirmedQuantity(state, li.id),
      lacking: lackingQuantity(state, li),
      status: lineItemStatus(state, li),
    })),
    commitments: state.commitments.map((c) => ({
      id: c.id,
      organizationId: c.organizationId,
      organizationName: c.organizationName,
      items: c.items.map((item) => ({ ...item, delivered: recordedForCommitment(c, item.lineItemId) })),
      promisedBy: c.promisedBy,
      note: c.note,
      status: commitmentStatus(c),
      offeredAt: c.offeredAt,
      acceptedAt: c.acceptedAt,
      closedAt: c.closedAt,
      closeReason: c.closeReason,
      deliveries: c.deliveries,
      /** 组团帮扶: the team and each member's share, or null. */
      team: teamOf(c),
      /** A handover requested by the holder, awaiting the receiver. */
      pendingHandover: pendingHandoverOf(c),
      /** Flag for the coordinator: the commitment changed hands (details in `handovers` and the need's history). */
      handedOver: handoversOf(c).length > 0,
      handovers: handoversOf(c),
    })),
    draftedAt: state.draftedAt,
    publishedAt: state.publishedAt,
    firstAcceptedAt: state.firstAcceptedAt,
    fulfilledAt: state.fulfilledAt,
    closedAt: state.closedAt,
    endedAt: state.endedAt,
    endReason: state.endReason,
  };
}

export type NeedDocument = ReturnType<typeof needDocument>;

/** A stored document as users see it on `today` (China's date): each commitment says whether it is overdue. */
export function presentNeedDocument(document: NeedDocument, today: string) {
  const { commitments, ...need } = document;
  return {
    ...need,
    commitments: commitments.map((c) => ({ ...c, overdue: isOverdueOn(c.status, c.promisedBy, today) })),
  };
}

export type NeedDetails = ReturnType<typeof presentNeed>;
