/**
 * A realistic long donation flow for snapshot tests and benchmarks: a large gift to a foundation,
 * received, then allocated village by village, each allocation used in parts with invoices,
 * evidence added later, uses confirmed by the village coordinators, unused remainders returned now
 * and then, a refund and a receipt correction along the way. Deterministic for a seed.
 */
import { Actor, commandEventId, DecisionContext, eventToAppend, prng } from '@shecun/core';
import { EventStore } from '@shecun/event-store';
import { flowStream, Party } from './donation.model';
import { FlowCommand, flowDecider, FlowEvent, FlowState, initialFlowState } from './flow.decider';

export const FOUNDATION: Party = { kind: 'organization', id: 'org-fdn', name: '广东省乡村振兴基金会', organizationId: 'org-fdn', divisionCode: '4401' };
export const FOUNDATION_STAFF: Actor = { id: 'staff-fdn', role: 'organization', organizationId: 'org-fdn' };
export const VILLAGES = Array.from({ length: 40 }, (_, i) => `441826${String(100 + (i % 20)).padStart(3, '0')}${String(201 + i).padStart(3, '0')}`);
export const coordinatorOf = (villageCode: string): Actor => ({ id: `coord-${villageCode}`, role: 'coordinator', scope: villageCode });

export interface FlowStep {
  commandId: string;
  command: FlowCommand;
  actor: Actor;
  now: Date;
  events: FlowEvent[];
}

/** Commands (decided in memory) until the flow holds at least `events` events. */
export function longFlow(flowId: string, events: number, seed = 19): { steps: FlowStep[]; state: FlowState } {
  const rnd = prng(seed);
  const steps: FlowStep[] = [];
  let state = initialFlowState;
  let count = 0;
  let clock = Date.UTC(2026, 0, 5, 1);
  const run = (command: FlowCommand, actor: Actor) => {
    clock += 1000 + Math.floor(rnd() * 3_600_000);
    const now = new Date(clock);
    const context: DecisionContext = { actor, now };
    const decided = flowDecider.decide(command, state, context);
    for (const e of decided) state = flowDecider.evolve(state, e);
    steps.push({ commandId: `${flowId}/cmd/${steps.length}`, command, actor, now, events: decided });
    count += decided.length;
  };
  run({ type: 'PledgeDonation', flowId, donor: { kind: 'organization', organizationId: 'org-donor', name: '丙公司' }, donorStanding: { exists: true, standing: 'normal' }, recipient: FOUNDATION, resource: { kind: 'money' }, amount: 9_000_000_000, note: '百县千镇万村高质量发展工程' }, FOUNDATION_STAFF);
  run({ type: 'ReceiveDonation', receiptNumber: 'GD-2026-000001', amount: 8_800_000_000, receivedOn: '2026-01-06' }, FOUNDATION_STAFF);
  let n = 0;
  while (count < events) {
    n += 1;
    const village = VILLAGES[Math.floor(rnd() * VILLAGES.length)];
    const allocationId = `a-${n}`;
    const amount = 1_000_000 + Math.floor(rnd() * 40) * 50_000;
    run({ type: 'AllocateDonation', allocationId, target: { kind: 'village', villageCode: village, project: `第${n}批村道与卫生站` }, amount, note: '', childFlowId: null }, FOUNDATION_STAFF);
    const parts = 1 + Math.floor(rnd() * 3);
    for (let p = 1; p <= parts && count < events; p++) {
      const useId = `u-${n}-${p}`;
      const withInvoice = rnd() < 0.7;
      const part = Math.floor(amount / (parts + 1));
      run({ type: 'RecordUse', useId, allocationId, need: null, amount: part, evidence: withInvoice ? [{ kind: 'invoice', ref: `No.${n}${p}`, amountFen: part }] : [], usedOn: '2026-02-01', note: '' }, FOUNDATION_STAFF);
      if (!withInvoice || rnd() < 0.2) run({ type: 'AddUseEvidence', useId, evidence: [{ kind: 'photo', ref: `photos/${useId}.jpg` }] }, FOUNDATION_STAFF);
      if (rnd() < 0.8) run({ type: 'ConfirmUse', useId, note: '已核实' }, coordinatorOf(village));
    }
    if (rnd() < 0.15) run({ type: 'ReturnAllocation', allocationId, amount: 10_000, reason: '项目结余退回' }, FOUNDATION_STAFF);
    if (n % 300 === 0) run({ type: 'RefundDonation', amount: 5_000, reason: '捐赠人要求部分退款' }, FOUNDATION_STAFF);
    if (n === 500) run({ type: 'CorrectReceipt', amount: 8_800_000_000, receiptNumber: 'GD-2026-000001-更正', reason: '票据号登记错误' }, FOUNDATION_STAFF);
  }
  return { steps, state };
}

/**
 * Appends the steps to the flow's stream as the command executor would have (same event ids,
 * metadata and revisions), many commands per append, reporting progress.
 */
export async function appendSteps(store: EventStore, flowId: string, steps: FlowStep[], progress?: (done: number) => void): Promise<number> {
  const stream = flowStream(flowId);
  let revision = -1;
  const batch = 500;
  for (let i = 0; i < steps.length; i += batch) {
    const events = steps.slice(i, i + batch).flatMap((step) =>
      step.events.map((event, index) =>
        eventToAppend(event, { id: commandEventId(step.commandId, index), actor: step.actor, correlationId: step.commandId, causationId: step.commandId, occurredAt: step.now.toISOString() }),
      ),
    );
    if (events.length === 0) continue;
    revision = (await store.append(stream, events, revision < 0 ? 'no-stream' : revision)).nextRevision;
    progress?.(Math.min(i + batch, steps.length));
  }
  return revision;
}
