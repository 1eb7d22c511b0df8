/** Folding the need's events into its state. */
import { NeedEvent } from './need.events';
import { CommitmentState, NeedState, initialNeedState, handoversOf } from './need.state';

const updateCommitment = (state: NeedState, id: string, change: (c: CommitmentState) => CommitmentState): NeedState => ({
  ...state,
  commitments: state.commitments.map((c) => (c.id === id ? change(c) : c)),
});

export function evolveNeed(state: NeedState, event: NeedEvent): NeedState {
  switch (event.type) {
    case 'NeedDrafted': {
      const { needId, villageCode, draftedAt, ...fields } = event.data;
      return { ...initialNeedState, exists: true, id: needId, villageCode, fields, draftedAt };
    }
    case 'NeedPublished':
      return { ...state, lifecycle: 'published', publishedAt: event.data.publishedAt };
    case 'NeedRevised': {
      const { title, description, category, lineItems, dueDate, autoAccept } = event.data;
      return { ...state, fields: { title, description, category, lineItems, dueDate, autoAccept } };
    }
    case 'NeedWithdrawn':
      return { ...state, lifecycle: 'withdrawn', endedAt: event.data.withdrawnAt, endReason: event.data.reason };
    case 'NeedExpired':
      return { ...state, lifecycle: 'expired', endedAt: event.data.expiredAt };
    case 'NeedFulfilled':
      return { ...state, lifecycle: 'fulfilled', fulfilledAt: event.data.fulfilledAt };
    case 'NeedClosed':
      return { ...state, lifecycle: 'closed', closedAt: event.data.closedAt };
    case 'CommitmentOffered': {
      const d = event.data;
      return {
        ...state,
        commitments: [
          ...state.commitments,
          {
            id: d.commitmentId,
            organizationId: d.organizationId,
            organizationName: d.organizationName,
            items: d.items,
            promisedBy: d.promisedBy,
            note: d.note,
            status: 'offered',
            offeredAt: d.offeredAt,
            acceptedAt: null,
            closedAt: null,
            closeReason: null,
            deliveries: [],
            team: d.team ?? null,
            handover: null,
            handovers: [],
          },
        ],
      };
    }
    case 'CommitmentAccepted': {
      const next = updateCommitment(state, event.data.commitmentId, (c) => ({ ...c, status: 'accepted', acceptedAt: event.data.acceptedAt }));
      return { ...next, firstAcceptedAt: state.firstAcceptedAt ?? event.data.acceptedAt };
    }
    case 'CommitmentDeclined':
      return updateCommitment(state, event.data.commitmentId, (c) => ({ ...c, status: 'declined', closedAt: event.data.declinedAt, closeReason: event.data.reason }));
    case 'CommitmentWithdrawn':
      return updateCommitment(state, event.data.commitmentId, (c) => ({ ...c, status: 'withdrawn', closedAt: event.data.withdrawnAt, closeReason: event.data.reason, handover: null }));
    case 'CommitmentHandoverRequested': {
      const d = event.data;
      return updateCommitment(state, d.commitmentId, (c) => ({
        ...c,
        handover: { toOrganizationId: d.toOrganizationId, toOrganizationName: d.toOrganizationName, reason: d.reason, requestedAt: d.requestedAt },
      }));
    }
    case 'CommitmentHandedOver': {
      const d = event.data;
      return updateCommitment(state, d.commitmentId, (c) => ({
        ...c,
        organizationId: d.toOrganizationId,
        organizationName: d.toOrganizationName,
        handover: null,
        handovers: [
          ...handoversOf(c),
          { fromOrganizationId: d.fromOrganizationId, fromOrganizationName: d.fromOrganizationName, toOrganizationId: d.toOrganizationId, toOrganizationName: d.toOrganizationName, reason: d.reason, handedOverAt: d.handedOverAt },
        ],
      }));
    }
    case 'CommitmentHandoverDeclined':
      return updateCommitment(state, event.data.commitmentId, (c) => ({ ...c, handover: null }));
    case 'DeliveryRecorded': {
      const d = event.data;
      return updateCommitment(state, d.commitmentId, (c) => ({
        ...c,
        deliveries: [...c.deliveries, { id: d.deliveryId, items: d.items, evidence: d.evidence, note: d.note, recordedAt: d.recordedAt, confirmedAt: null }],
      }));
    }
    case 'DeliveryConfirmed':
      return updateCommitment(state, event.data.commitmentId, (c) => ({
        ...c,
        deliveries: c.deliveries.map((d) =>
          d.id === event.data.deliveryId
            ? {
                ...d,
                confirmedAt: event.data.confirmedAt,
                ...(event.data.noEvidenceReason ? { noEvidenceReason: event.data.noEvidenceReason } : {}),
                // The coordinator's own evidence joins the delivery's (shown and served with it).
                ...(event.data.evidence?.length ? { evidence: [...d.evidence, ...event.data.evidence] } : {}),
              }
            : d,
        ),
      }));
  }
}
