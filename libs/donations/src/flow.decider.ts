import { Actor, conflict, Decider, DecisionContext, everyCommandCommutes, forbidden, invalid, notFound, withinScope } from '@shecun/core';
import { flowStream, isTransfer, Party, Resource } from './donation.model';
import { sealedBy, sealEvents } from './ledger';
import { DonationPledged, DonationReceived, TransferReceived, DonationAllocated, AllocationReturned, DonationUsed, UseEvidenceAdded, UseConfirmed, DonationDisclosed, DonationRefunded, ReceiptCorrected, FlowEvent } from './flow.events';
import { FlowCommand, AllocationState, UseState, FlowState, initialFlowState, refundedOf, netAllocation, allocatedOf, usedOn, availableOf, valueOf, allocationVillage } from './flow.state';

export * from './flow.events';
export * from './flow.state';

/**
 * One donation flow's stream: pledge → receipt (捐赠票据) → allocations (使用安排) → uses with
 * evidence → the village's confirmation → disclosure; refunds, returns and corrections are their
 * own events. Every invariant on amounts is decided on this one stream, so it holds under
 * concurrency: allocations never exceed what was received (less refunds), uses never exceed their
 * allocation. Every event is sealed into the stream's hash chain (ledger.ts).
 */

// ---- authorization ---------------------------------------------------------------------------

/** Staff or the hub admin of the organization that holds the party (itself, or the fund's holder). */
export const actsFor = (actor: Actor, party: Pick<Party, 'organizationId'>): boolean =>
  actor.role === 'system' || ((actor.role === 'organization' || actor.role === 'hub') && !!actor.organizationId && actor.organizationId === party.organizationId);

function requireRecipient(actor: Actor, state: FlowState): void {
  if (!actsFor(actor, state.recipient)) {
    throw forbidden(`只有受赠方 ${state.recipient.name} 的工作人员可以办理 (only staff of the recipient ${state.recipient.name} may do this)`);
  }
}

const positive = (amount: number, what: string) => {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw invalid(`${what}必须是正整数 (${what} must be a positive integer)`);
};

function requireReceived(state: FlowState): void {
  if (!state.receivedAt) throw conflict(`捐赠 ${state.id} 尚未到账 (donation ${state.id} has not been received yet)`);
}

const allocationOf = (state: FlowState, allocationId: string): AllocationState => {
  const allocation = state.allocations.find((a) => a.id === allocationId);
  if (!allocation) throw notFound(`使用安排 ${allocationId} 不存在 (allocation ${allocationId} not found in donation ${state.id})`);
  return allocation;
};

const useOf = (state: FlowState, useId: string): UseState => {
  const use = state.uses.find((u) => u.id === useId);
  if (!use) throw notFound(`使用记录 ${useId} 不存在 (use ${useId} not found in donation ${state.id})`);
  return use;
};

const unit = (s: Pick<FlowState, 'resource'>) => (s.resource.kind === 'money' ? '分' : s.resource.unit);

// ---- decide ----------------------------------------------------------------------------------

function decideUnsealed(command: FlowCommand, state: FlowState, { actor, now }: DecisionContext): FlowEvent[] {
  const at = now.toISOString();
  if (command.type === 'PledgeDonation') {
    if (state.exists) throw conflict(`捐赠 ${command.flowId} 已存在 (donation ${command.flowId} already exists)`);
    positive(command.amount, '捐赠数量');
    if (command.resource.kind === 'goods') {
      if (!Number.isSafeInteger(command.resource.estimatedValueFen) || command.resource.estimatedValueFen < 0) {
        throw invalid('物资估值必须是非负整数（分） (estimatedValueFen must be a non-negative integer of fen)');
      }
    }
    const donor = command.donor;
    const byDonor = (donor.kind === 'organization' || donor.kind === 'member_unit') && actor.organizationId === donor.organizationId && (actor.role === 'organization' || actor.role === 'hub');
    if (!byDonor && !actsFor(actor, command.recipient)) {
      throw forbidden('捐赠由捐赠方或受赠方的工作人员登记 (a pledge is recorded by staff of the donor or of the recipient)');
    }
    if (donor.kind === 'transfer') throw invalid('转拨由上一环节的使用安排产生 (a transfer starts from an allocation, not a pledge)');
    if (command.donorStanding) {
      if (!command.donorStanding.exists) throw notFound('捐赠方社会组织未登记 (the donor organization is not registered)');
      if (command.donorStanding.standing !== 'normal') {
        throw forbidden(`捐赠方处于${command.donorStanding.standing === 'abnormal' ? '活动异常名录' : '注销'}状态，不能认捐 (a donor in ${command.donorStanding.standing} standing may not pledge)`);
      }
    }
    return [{ type: 'DonationPledged', data: { flowId: command.flowId, donor, recipient: command.recipient, resource: command.resource, amount: command.amount, note: command.note, pledgedAt: at } }];
  }

  if (command.type === 'ReceiveTransfer') {
    const parent = command.parent;
    if (!parent.exists) throw notFound(`上游捐赠 ${command.parent.id} 不存在 (parent donation not found)`);
    const allocation = allocationOf(parent, command.allocationId);
    if (!isTransfer(allocation.target) || allocation.childFlowId !== command.flowId) {
      throw conflict(`使用安排 ${allocation.id} 不是转拨 (allocation ${allocation.id} is not a transfer to an organization or fund)`);
    }
    const target = allocation.target.party;
    if (!actsFor(actor, target)) throw forbidden(`只有接收方 ${target.name} 的工作人员可以确认到账 (only staff of ${target.name} may record its receipt)`);
    if (state.exists) throw conflict(`转拨 ${command.flowId} 已确认到账 (this transfer was already received)`);
    positive(command.amount, '到账数量');
    const allocated = netAllocation(allocation);
    if (command.amount > allocated) {
      throw invalid(`到账数量 ${command.amount} 超过转拨数量 ${allocated}${unit(parent)} (received ${command.amount} exceeds the ${allocated} allocated)`);
    }
    const resource: Resource =
      parent.resource.kind === 'money' ? parent.resource : { ...parent.resource, estimatedValueFen: valueOf(parent, allocated) };
    return [
      {
        type: 'TransferReceived',
        data: {
          flowId: command.flowId,
          parent: { flowId: parent.id, streamName: flowStream(parent.id), allocationId: allocation.id, allocationHash: allocation.hash ?? '' },
          donor: { kind: 'transfer', from: parent.recipient },
          recipient: target,
          resource,
          amount: command.amount,
          receiptNumber: command.receiptNumber,
          receivedOn: command.receivedOn,
          receivedAt: at,
        },
      },
    ];
  }

  if (!state.exists) throw notFound(`捐赠 ${state.id || ''} 不存在 (donation not found)`);
  const flowId = state.id;

  if (command.type === 'ConfirmUse') {
    const use = useOf(state, command.useId);
    if (actor.role !== 'system' && !(actor.role === 'coordinator' && withinScope(use.villageCode, actor.scope))) {
      throw forbidden(`只有受益村 ${use.villageCode} 的村级联络员可以确认 (only the coordinator of village ${use.villageCode} may confirm this use)`);
    }
    if (use.confirmedAt) throw conflict(`使用记录 ${use.id} 已确认 (use ${use.id} is already confirmed)`);
    const reason = command.reason?.trim() ?? '';
    if (use.evidence.length === 0 && !reason) {
      throw invalid(`使用记录 ${use.id} 没有凭证，确认前请说明原因 (use ${use.id} has no evidence: state why you confirm it)`, { useId: use.id });
    }
    const noEvidence = use.evidence.length === 0 ? { noEvidenceReason: reason } : {};
    return [{ type: 'UseConfirmed', data: { flowId, useId: use.id, note: command.note, ...noEvidence, confirmedAt: at } }];
  }

  requireRecipient(actor, state);
  switch (command.type) {
    case 'ReceiveDonation': {
      if (state.receivedAt) throw conflict(`捐赠 ${flowId} 已到账，更正请登记更正 (already received; record a correction instead)`);
      positive(command.amount, '到账数量');
      if (command.amount > state.pledged) {
        throw invalid(`到账数量 ${command.amount} 超过认捐数量 ${state.pledged}${unit(state)} (received ${command.amount} exceeds the ${state.pledged} pledged)`);
      }
      const evidence = command.evidence?.length ? { evidence: command.evidence } : {};
      return [{ type: 'DonationReceived', data: { flowId, receiptNumber: command.receiptNumber, amount: command.amount, receivedOn: command.receivedOn, ...evidence, receivedAt: at } }];
    }
    case 'AllocateDonation': {
      requireReceived(state);
      positive(command.amount, '安排数量');
      if (state.allocations.some((a) => a.id === command.allocationId)) throw conflict(`使用安排 ${command.allocationId} 已存在 (allocation already exists)`);
      const available = availableOf(state);
      if (command.amount > available) {
        throw invalid(`安排数量 ${command.amount} 超过可安排余额 ${available}${unit(state)} (allocation of ${command.amount} exceeds the ${available} still available)`, { available });
      }
      if (isTransfer(command.target) && command.target.party.id === state.recipient.id && command.target.kind === state.recipient.kind) {
        throw invalid('不能转拨给自己 (a flow cannot be transferred to its own holder)');
      }
      if (isTransfer(command.target) !== (command.childFlowId !== null)) throw invalid('转拨需要下游流向编号 (a transfer needs a child flow id)');
      return [
        {
          type: 'DonationAllocated',
          data: { flowId, allocationId: command.allocationId, target: command.target, amount: command.amount, valueFen: valueOf(state, command.amount), childFlowId: command.childFlowId, note: command.note, allocatedAt: at },
        },
      ];
    }
    case 'ReturnAllocation': {
      const allocation = allocationOf(state, command.allocationId);
      positive(command.amount, '退回数量');
      if (isTransfer(allocation.target)) throw conflict('转拨的退回由接收方登记退款 (a transfer is returned by its receiver recording a refund)');
      const unused = netAllocation(allocation) - usedOn(state, allocation.id);
      if (command.amount > unused) throw invalid(`退回数量 ${command.amount} 超过未使用的 ${unused}${unit(state)} (return of ${command.amount} exceeds the ${unused} unused)`, { unused });
      return [{ type: 'AllocationReturned', data: { flowId, allocationId: allocation.id, amount: command.amount, reason: command.reason, returnedAt: at } }];
    }
    case 'RecordUse': {
      const allocation = allocationOf(state, command.allocationId);
      positive(command.amount, '使用数量');
      if (state.uses.some((u) => u.id === command.useId)) throw conflict(`使用记录 ${command.useId} 已存在 (use already recorded)`);
      const village = allocationVillage(allocation);
      if (village === null) throw conflict('转拨的使用由接收方在其下游流向中登记 (uses of a transfer are recorded by its receiver in the child flow)');
      const target = allocation.target;
      if (command.need) {
        if (target.kind === 'need' && command.need.needId !== target.needId) {
          throw invalid(`该安排指定用于需求 ${target.needId}，不能用于需求 ${command.need.needId} (this allocation is for need ${target.needId})`);
        }
        if (command.need.villageCode !== village) {
          throw invalid(`需求 ${command.need.needId} 属于村 ${command.need.villageCode}，不是该安排指定的村 ${village} (the need belongs to another village than the one allocated)`);
        }
      }
      const unused = netAllocation(allocation) - usedOn(state, allocation.id);
      if (command.amount > unused) throw invalid(`使用数量 ${command.amount} 超过该安排未使用的 ${unused}${unit(state)} (use of ${command.amount} exceeds the ${unused} left on the allocation)`, { unused });
      return [
        {
          type: 'DonationUsed',
          data: {
            flowId,
            useId: command.useId,
            allocationId: allocation.id,
            needId: command.need?.needId ?? (target.kind === 'need' ? target.needId : null),
            villageCode: village,
            amount: command.amount,
            valueFen: valueOf(state, command.amount),
            evidence: command.evidence,
            usedOn: command.usedOn,
            note: command.note,
            usedAt: at,
          },
        },
      ];
    }
    case 'AddUseEvidence': {
      const use = useOf(state, command.useId);
      if (command.evidence.length === 0) throw invalid('请至少提供一项凭证 (give at least one piece of evidence)');
      return [{ type: 'UseEvidenceAdded', data: { flowId, useId: use.id, evidence: command.evidence, addedAt: at } }];
    }
    case 'DiscloseDonation': {
      requireReceived(state);
      if (state.disclosedAt) return [];
      return [{ type: 'DonationDisclosed', data: { flowId, disclosedAt: at } }];
    }
    case 'RefundDonation': {
      requireReceived(state);
      positive(command.amount, '退款数量');
      const available = availableOf(state);
      if (command.amount > available) throw invalid(`退款数量 ${command.amount} 超过未安排的余额 ${available}${unit(state)} (refund of ${command.amount} exceeds the ${available} unallocated)`, { available });
      return [{ type: 'DonationRefunded', data: { flowId, amount: command.amount, reason: command.reason, refundedAt: at } }];
    }
    case 'CorrectReceipt': {
      requireReceived(state);
      positive(command.amount, '更正后的到账数量');
      const committed = allocatedOf(state) + refundedOf(state);
      if (command.amount < committed) {
        throw invalid(`更正后的到账数量 ${command.amount} 少于已安排和已退款的 ${committed}${unit(state)} (the corrected amount is below what was already allocated or refunded)`, { committed });
      }
      if (command.amount > state.pledged) throw invalid(`更正后的到账数量不能超过认捐或转拨数量 ${state.pledged} (a corrected amount cannot exceed the ${state.pledged} pledged)`);
      if (command.amount === state.received && command.receiptNumber === state.receiptNumber) return [];
      return [
        {
          type: 'ReceiptCorrected',
          data: { flowId, from: { amount: state.received, receiptNumber: state.receiptNumber ?? '' }, to: { amount: command.amount, receiptNumber: command.receiptNumber }, reason: command.reason, correctedAt: at },
        },
      ];
    }
  }
}

// ---- evolve ----------------------------------------------------------------------------------

function evolveFlow(state: FlowState, event: FlowEvent): FlowState {
  const next: FlowState = { ...state, version: state.version + 1, lastHash: event.data.ledger?.hash ?? state.lastHash };
  switch (event.type) {
    case 'DonationPledged': {
      const d = event.data;
      return { ...next, exists: true, id: d.flowId, donor: d.donor, recipient: d.recipient, resource: d.resource, pledged: d.amount, pledgedAt: d.pledgedAt, steps: [{ type: event.type, at: d.pledgedAt }] };
    }
    case 'TransferReceived': {
      const d = event.data;
      return {
        ...next,
        exists: true,
        id: d.flowId,
        parent: d.parent,
        donor: d.donor,
        recipient: d.recipient,
        resource: d.resource,
        pledged: d.amount,
        received: d.amount,
        receivedAt: d.receivedAt,
        receivedOn: d.receivedOn,
        receiptNumber: d.receiptNumber,
        steps: [{ type: event.type, at: d.receivedAt }],
      };
    }
    case 'DonationReceived':
      return {
        ...next,
        received: event.data.amount,
        receivedAt: event.data.receivedAt,
        receivedOn: event.data.receivedOn,
        receiptNumber: event.data.receiptNumber,
        ...(event.data.evidence?.length ? { receiptEvidence: event.data.evidence } : {}),
        steps: [...state.steps, { type: event.type, at: event.data.receivedAt }],
      };
    case 'DonationAllocated': {
      const d = event.data;
      const allocation: AllocationState = { id: d.allocationId, target: d.target, amount: d.amount, valueFen: d.valueFen, returned: 0, childFlowId: d.childFlowId, note: d.note, allocatedAt: d.allocatedAt, hash: d.ledger?.hash ?? null };
      return { ...next, allocations: [...state.allocations, allocation], steps: [...state.steps, { type: event.type, at: d.allocatedAt }] };
    }
    case 'AllocationReturned':
      return {
        ...next,
        allocations: state.allocations.map((a) => (a.id === event.data.allocationId ? { ...a, returned: a.returned + event.data.amount } : a)),
        steps: [...state.steps, { type: event.type, at: event.data.returnedAt }],
      };
    case 'DonationUsed': {
      const d = event.data;
      const use: UseState = { id: d.useId, allocationId: d.allocationId, needId: d.needId, villageCode: d.villageCode, amount: d.amount, valueFen: d.valueFen, evidence: d.evidence, usedOn: d.usedOn, note: d.note, usedAt: d.usedAt, confirmedAt: null, confirmedBy: null };
      return { ...next, uses: [...state.uses, use], steps: [...state.steps, { type: event.type, at: d.usedAt }] };
    }
    case 'UseEvidenceAdded':
      return {
        ...next,
        uses: state.uses.map((u) => (u.id === event.data.useId ? { ...u, evidence: [...u.evidence, ...event.data.evidence] } : u)),
        steps: [...state.steps, { type: event.type, at: event.data.addedAt }],
      };
    case 'UseConfirmed':
      return {
        ...next,
        uses: state.uses.map((u) =>
          u.id === event.data.useId ? { ...u, confirmedAt: event.data.confirmedAt, ...(event.data.noEvidenceReason ? { noEvidenceReason: event.data.noEvidenceReason } : {}) } : u,
        ),
        steps: [...state.steps, { type: event.type, at: event.data.confirmedAt }],
      };
    case 'DonationDisclosed':
      return { ...next, disclosedAt: event.data.disclosedAt, steps: [...state.steps, { type: event.type, at: event.data.disclosedAt }] };
    case 'DonationRefunded':
      return { ...next, refunds: [...state.refunds, { amount: event.data.amount, reason: event.data.reason, at: event.data.refundedAt }], steps: [...state.steps, { type: event.type, at: event.data.refundedAt }] };
    case 'ReceiptCorrected':
      return {
        ...next,
        received: event.data.to.amount,
        receiptNumber: event.data.to.receiptNumber,
        corrections: [...state.corrections, { from: event.data.from, to: event.data.to, reason: event.data.reason, at: event.data.correctedAt }],
        steps: [...state.steps, { type: event.type, at: event.data.correctedAt }],
      };
  }
}

/** The stream a command decides on: a new flow's own id, else the state's. */
const streamOf = (command: FlowCommand, state: FlowState) =>
  flowStream(command.type === 'PledgeDonation' || command.type === 'ReceiveTransfer' ? command.flowId : state.id);

export const flowDecider: Decider<FlowCommand, FlowState, FlowEvent> = {
  initialState: initialFlowState,
  decide: (command, state, context) => sealEvents(streamOf(command, state), state, decideUnsealed(command, state, context), sealedBy(context.actor, context.now)),
  evolve: evolveFlow,
  commutes: everyCommandCommutes,
  /** A large donation allocated and used across many villages runs to thousands of events. Raise the version when FlowState or evolveFlow changes. */
  snapshot: { name: 'flow', version: 1 },
};

