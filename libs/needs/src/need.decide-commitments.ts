/** Deciding on commitments: offers, acceptance, deliveries, handovers. */
import { conflict, forbidden, invalid, notFound } from '@shecun/core';
import { NeedEvent } from './need.events';
import { NeedCommand, NeedState, recordedForCommitment, needStatus, commitmentStatus, teamOf, pendingHandoverOf, sumFor } from './need.state';
import { ORGANIZATION, OPEN_FOR_OFFERS, ENDED, requireRole, requireCommitment, requireOwnOrganization, requireGoodStanding, isDate, today, checkItems, checkTeamCommitment, requireReceiverStanding, requireNoOpenCommitment, checkFitsLacking } from './need.rules';
import { NeedDecision } from './need.decide-lifecycle';

export type CommitmentCommand = Extract<NeedCommand, { type: 'OfferCommitment' | 'AcceptCommitment' | 'DeclineCommitment' | 'WithdrawCommitment' | 'RecordDelivery' | 'ConfirmDelivery' | 'RequestHandover' | 'AcceptHandover' | 'DeclineHandover' }>;

/** Offers (接单), their acceptance, decline and withdrawal, deliveries and their confirmation, handovers. */
export function decideCommitments(command: CommitmentCommand, state: NeedState, { actor, now, at, needId }: NeedDecision): NeedEvent[] {
  switch (command.type) {
    case 'OfferCommitment': {
      requireRole(actor, ORGANIZATION, '接单 (commit to needs)');
      if (actor.organizationId !== command.organizationId) {
        throw forbidden('只能以本组织名义接单 (you may only commit on behalf of your own organization)');
      }
      if (command.teamId === undefined && command.shares !== undefined) throw invalid('份额只用于组团接单，请指明 teamId (shares are for team commitments: give the teamId)');
      const team = command.teamId !== undefined ? checkTeamCommitment(command, actor) : undefined;
      requireGoodStanding(command.organizationStanding ?? 'unregistered');
      const status = needStatus(state);
      if (!OPEN_FOR_OFFERS.includes(status)) throw conflict(`需求状态为 ${status}，不接受接单 (this need is not open for commitments)`);
      if (state.commitments.some((c) => c.id === command.commitmentId)) throw conflict('接单编号重复 (commitment id already used)');
      if (state.commitments.some((c) => c.organizationId === command.organizationId && (c.status === 'offered' || c.status === 'accepted'))) {
        throw conflict('该组织已有进行中的接单 (this organization already has an open commitment on this need)');
      }
      if (!isDate(command.promisedBy) || command.promisedBy < today(now)) {
        throw invalid('承诺交付日期必须是今天或以后 (promisedBy must be a date today or later)');
      }
      checkItems(state, command.items, '接单');
      checkFitsLacking(state, command.items);
      const offered: NeedEvent = {
        type: 'CommitmentOffered',
        data: {
          needId,
          commitmentId: command.commitmentId,
          organizationId: command.organizationId,
          organizationName: command.organizationName,
          items: command.items,
          promisedBy: command.promisedBy,
          note: command.note,
          offeredAt: at,
          ...(team ? { team } : {}),
        },
      };
      if (!state.fields.autoAccept) return [offered];
      return [offered, { type: 'CommitmentAccepted', data: { needId, commitmentId: command.commitmentId, automatic: true, acceptedAt: at } }];
    }
    case 'AcceptCommitment': {
      const commitment = requireCommitment(state, command.commitmentId);
      if (commitment.status !== 'offered') throw conflict(`接单状态为 ${commitmentStatus(commitment)}，不能接受 (only an offered commitment can be accepted)`);
      if (state.lifecycle !== 'published') throw conflict(`需求状态为 ${needStatus(state)}，不能接受接单 (the need is not open)`);
      checkFitsLacking(state, commitment.items);
      return [{ type: 'CommitmentAccepted', data: { needId, commitmentId: commitment.id, automatic: false, acceptedAt: at } }];
    }
    case 'DeclineCommitment': {
      const commitment = requireCommitment(state, command.commitmentId);
      if (commitment.status !== 'offered') throw conflict(`接单状态为 ${commitmentStatus(commitment)}，不能谢绝 (only an offered commitment can be declined)`);
      if (!command.reason.trim()) throw invalid('请说明谢绝原因 (a reason is required)');
      return [{ type: 'CommitmentDeclined', data: { needId, commitmentId: commitment.id, reason: command.reason, declinedAt: at } }];
    }
    case 'WithdrawCommitment': {
      requireRole(actor, ORGANIZATION, '撤回接单 (withdraw commitments)');
      const commitment = requireCommitment(state, command.commitmentId);
      requireOwnOrganization(actor, commitment);
      if (commitment.status !== 'offered' && commitment.status !== 'accepted') {
        throw conflict(`接单状态为 ${commitmentStatus(commitment)}，不能撤回 (only an open commitment can be withdrawn)`);
      }
      if (commitment.deliveries.length > 0) throw conflict('已有交付记录，不能撤回 (a commitment with recorded deliveries cannot be withdrawn)');
      if (!command.reason.trim()) throw invalid('请说明撤回原因 (a reason is required)');
      return [{ type: 'CommitmentWithdrawn', data: { needId, commitmentId: commitment.id, reason: command.reason, withdrawnAt: at } }];
    }
    case 'RecordDelivery': {
      requireRole(actor, ORGANIZATION, '登记交付 (record deliveries)');
      const commitment = requireCommitment(state, command.commitmentId);
      requireOwnOrganization(actor, commitment);
      if (commitmentStatus(commitment) !== 'accepted') {
        throw conflict(`接单状态为 ${commitmentStatus(commitment)}，不能登记交付 (deliveries are recorded on accepted commitments)`);
      }
      if (ENDED.includes(state.lifecycle)) throw conflict(`需求已${needStatus(state)} (the need has ended)`);
      if (commitment.deliveries.some((d) => d.id === command.deliveryId)) throw conflict('交付编号重复 (delivery id already used)');
      if (pendingHandoverOf(commitment)) throw conflict('该接单正在转交，待接收组织答复 (a handover of this commitment awaits the receiver’s answer)');
      if (command.evidence.length === 0) throw invalid('交付需附证明材料 (a delivery needs at least one piece of evidence)');
      checkItems(state, command.items, '交付');
      for (const item of command.items) {
        const committed = sumFor(commitment.items, item.lineItemId);
        if (committed === 0) throw invalid(`本接单不含明细 ${item.lineItemId} (this commitment does not cover line item ${item.lineItemId})`);
        const recorded = recordedForCommitment(commitment, item.lineItemId);
        if (recorded + item.quantity > committed) {
          throw conflict(`明细 ${item.lineItemId} 交付超出承诺：已登记 ${recorded}，承诺 ${committed} (delivery exceeds what was committed)`, {
            lineItemId: item.lineItemId,
            committed,
            recorded,
          });
        }
      }
      return [
        {
          type: 'DeliveryRecorded',
          data: { needId, commitmentId: commitment.id, deliveryId: command.deliveryId, items: command.items, evidence: command.evidence, note: command.note, recordedAt: at },
        },
      ];
    }
    case 'ConfirmDelivery': {
      const commitment = requireCommitment(state, command.commitmentId);
      const delivery = commitment.deliveries.find((d) => d.id === command.deliveryId);
      if (!delivery) throw notFound(`交付 ${command.deliveryId} 不存在 (delivery not found)`);
      if (delivery.confirmedAt) throw conflict('该交付已确认 (this delivery is already confirmed)');
      const reason = command.reason?.trim() ?? '';
      const brought = command.evidence ?? [];
      if (delivery.evidence.length === 0 && brought.length === 0 && !reason) {
        throw invalid('该交付没有证明材料，确认前请说明原因 (this delivery has no evidence: state why you confirm it)', { deliveryId: delivery.id });
      }
      const noEvidence = delivery.evidence.length === 0 && brought.length === 0 ? { noEvidenceReason: reason } : {};
      const withEvidence = brought.length > 0 ? { evidence: brought } : {};
      return [{ type: 'DeliveryConfirmed', data: { needId, commitmentId: commitment.id, deliveryId: delivery.id, note: command.note, ...noEvidence, ...withEvidence, confirmedAt: at } }];
    }
    case 'RequestHandover': {
      requireRole(actor, ORGANIZATION, '转交接单 (hand over commitments)');
      const commitment = requireCommitment(state, command.commitmentId);
      requireOwnOrganization(actor, commitment);
      if (commitmentStatus(commitment) !== 'accepted' || ENDED.includes(state.lifecycle)) {
        throw conflict(`接单状态为 ${commitmentStatus(commitment)}，只有已接受的接单可以转交 (only an accepted commitment can be handed over)`);
      }
      if (teamOf(commitment)) throw invalid('组团接单不能转交，请调整组团成员份额 (a team commitment is not handed over; it stays with the team)');
      if (commitment.deliveries.length > 0) throw conflict('已有交付记录，不能转交 (a commitment with recorded deliveries cannot be handed over)');
      if (pendingHandoverOf(commitment)) throw conflict('该接单已在转交中 (a handover of this commitment is already pending)');
      if (command.toOrganizationId === commitment.organizationId) throw invalid('不能转交给本组织 (a commitment cannot be handed to its own holder)');
      if (!command.reason.trim()) throw invalid('请说明转交原因 (a reason is required)');
      requireReceiverStanding(command.toOrganizationStanding ?? 'unregistered');
      requireNoOpenCommitment(state, command.toOrganizationId);
      return [
        {
          type: 'CommitmentHandoverRequested',
          data: {
            needId, commitmentId: commitment.id, fromOrganizationId: commitment.organizationId, toOrganizationId: command.toOrganizationId,
            toOrganizationName: command.toOrganizationName ?? '', reason: command.reason.trim(), requestedAt: at,
          },
        },
      ];
    }
    case 'AcceptHandover': {
      requireRole(actor, ORGANIZATION, '接手接单 (take over commitments)');
      const commitment = requireCommitment(state, command.commitmentId);
      const pending = pendingHandoverOf(commitment);
      if (!pending) throw notFound('该接单没有待答复的转交 (no handover of this commitment is pending)');
      if (actor.organizationId !== pending.toOrganizationId) {
        throw forbidden('只有接收组织的工作人员可以接受转交 (only the receiving organization’s staff may accept the handover)');
      }
      if (commitmentStatus(commitment) !== 'accepted' || ENDED.includes(state.lifecycle)) {
        throw conflict(`接单状态为 ${commitmentStatus(commitment)}，不能接手 (only an accepted commitment can be taken over)`);
      }
      requireReceiverStanding(command.organizationStanding ?? 'unregistered');
      requireNoOpenCommitment(state, pending.toOrganizationId, commitment.id);
      return [
        {
          type: 'CommitmentHandedOver',
          data: {
            needId, commitmentId: commitment.id, fromOrganizationId: commitment.organizationId, fromOrganizationName: commitment.organizationName,
            toOrganizationId: pending.toOrganizationId, toOrganizationName: command.organizationName || pending.toOrganizationName, reason: pending.reason, handedOverAt: at,
          },
        },
      ];
    }
    case 'DeclineHandover': {
      requireRole(actor, ORGANIZATION, '答复转交 (answer handovers)');
      const commitment = requireCommitment(state, command.commitmentId);
      const pending = pendingHandoverOf(commitment);
      if (!pending) throw notFound('该接单没有待答复的转交 (no handover of this commitment is pending)');
      const by = actor.organizationId === pending.toOrganizationId ? 'receiver' : actor.organizationId === commitment.organizationId ? 'holder' : undefined;
      if (!by) throw forbidden('只有接收组织或接单组织可以谢绝或撤回转交 (only the receiving organization or the holder may decline or call off a handover)');
      return [
        {
          type: 'CommitmentHandoverDeclined',
          data: { needId, commitmentId: commitment.id, toOrganizationId: pending.toOrganizationId, by, reason: command.reason.trim(), declinedAt: at },
        },
      ];
    }
  }
}
