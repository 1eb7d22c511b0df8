import { Actor, DecisionContext } from '@shecun/core';
import { countMoney, MoneyPart, partInRegion } from './counting';
import { Party } from './donation.model';
import { FlowCommand, flowDecider, FlowState, initialFlowState } from './flow.decider';

/**
 * The counting rules on one gift: 1,000,000 fen to a fund, 50,000 refunded, 600,000 transferred
 * to a charity (who receives it), which passes 300,000 on to a hub (who receives 250,000, then
 * refunds 50,000 back to the charity); the fund allocates 100,000 to a village of 梅州, the
 * charity 200,000 to a village of 清远 (used 150,000 with an invoice, confirmed), the hub 120,000
 * to another village of 清远 (60,000 of it returned).
 */

const at = (day: number) => new Date(Date.UTC(2025, 0, day, 2));
const staff = (organizationId: string): Actor => ({ id: `s-${organizationId}`, role: 'organization', organizationId });
const party = (id: string): Party => ({ kind: 'organization', id, name: id, organizationId: id, divisionCode: '4401' });
const FUND: Party = { kind: 'fund', id: 'fund-1', name: '专项基金', organizationId: 'org-fdn', divisionCode: '4401' };
const QY = '441826105201';
const QY2 = '441802006001';
const MZ = '441402004201';

function run(state: FlowState, command: FlowCommand, actor: Actor, day: number): FlowState {
  const ctx: DecisionContext = { actor, now: at(day) };
  for (const e of flowDecider.decide(command, state, ctx)) state = flowDecider.evolve(state, e);
  return state;
}

function gift(): FlowState[] {
  const fdn = staff('org-fdn');
  let root = run(initialFlowState, { type: 'PledgeDonation', flowId: 'g', donor: { kind: 'individual' }, donorStanding: null, recipient: FUND, resource: { kind: 'money' }, amount: 1_000_000, note: '' }, fdn, 1);
  root = run(root, { type: 'ReceiveDonation', receiptNumber: 'R', amount: 1_000_000, receivedOn: '2025-01-02' }, fdn, 2);
  root = run(root, { type: 'RefundDonation', amount: 50_000, reason: '退回' }, fdn, 3);
  root = run(root, { type: 'AllocateDonation', allocationId: 'to-charity', target: { kind: 'organization', party: party('org-charity') }, amount: 600_000, note: '', childFlowId: 'c' }, fdn, 4);
  root = run(root, { type: 'AllocateDonation', allocationId: 'mz', target: { kind: 'village', villageCode: MZ, project: '路灯' }, amount: 100_000, note: '', childFlowId: null }, fdn, 5);
  const charityStaff = staff('org-charity');
  let charity = run(initialFlowState, { type: 'ReceiveTransfer', flowId: 'c', parent: root, allocationId: 'to-charity', receiptNumber: 'T1', amount: 600_000, receivedOn: '2025-02-01' }, charityStaff, 32);
  charity = run(charity, { type: 'AllocateDonation', allocationId: 'to-hub', target: { kind: 'organization', party: party('org-hub') }, amount: 300_000, note: '', childFlowId: 'h' }, charityStaff, 33);
  charity = run(charity, { type: 'AllocateDonation', allocationId: 'qy', target: { kind: 'village', villageCode: QY, project: '课桌' }, amount: 200_000, note: '', childFlowId: null }, charityStaff, 34);
  charity = run(charity, { type: 'RecordUse', useId: 'u', allocationId: 'qy', need: null, amount: 150_000, evidence: [{ kind: 'invoice', ref: 'No.1' }], usedOn: '2025-02-05', note: '' }, charityStaff, 36);
  charity = run(charity, { type: 'ConfirmUse', useId: 'u', note: '已验收' }, { id: 'c', role: 'coordinator', scope: QY }, 70);
  const hubStaff = staff('org-hub');
  let hub = run(initialFlowState, { type: 'ReceiveTransfer', flowId: 'h', parent: charity, allocationId: 'to-hub', receiptNumber: 'T2', amount: 250_000, receivedOn: '2025-03-01' }, hubStaff, 60);
  hub = run(hub, { type: 'RefundDonation', amount: 50_000, reason: '退回转出方' }, hubStaff, 61);
  hub = run(hub, { type: 'AllocateDonation', allocationId: 'qy2', target: { kind: 'village', villageCode: QY2, project: '长者饭堂' }, amount: 120_000, note: '', childFlowId: null }, hubStaff, 62);
  hub = run(hub, { type: 'ReturnAllocation', allocationId: 'qy2', amount: 60_000, reason: '调整' }, hubStaff, 63);
  return [root, charity, hub];
}

const sum = (parts: MoneyPart[], figure: string, region = '44') => parts.filter((p) => p.figure === figure && partInRegion(p, region, '44')).reduce((s, p) => s + p.fen, 0);

describe('counting donated money', () => {
  it('counts the gift once where it entered, net of its refund, spread over the villages it reached and 未分配', () => {
    const parts = countMoney(gift());
    expect(sum(parts, 'received')).toBe(950_000);
    expect(parts.filter((p) => p.figure === 'received').map((p) => [p.villageCode, p.holder, p.fen, p.at.slice(0, 10)]).sort()).toEqual(
      [
        [MZ, '专项基金', 100_000, '2025-01-02'],
        [QY, 'org-charity', 200_000, '2025-01-02'],
        [QY2, 'org-hub', 60_000, '2025-01-02'],
        // The fund keeps 950,000 − 600,000 − 100,000; the charity 600,000 − 200,000 − the 200,000 the hub kept; the hub 200,000 − 60,000.
        [null, '专项基金', 250_000, '2025-01-02'],
        [null, 'org-charity', 200_000, '2025-01-02'],
        [null, 'org-hub', 140_000, '2025-01-02'],
      ].sort(),
    );
  });

  it('counts each transfer as transferred, once per hop, dated by its receipt, never as received again', () => {
    const parts = countMoney(gift());
    expect(sum(parts, 'transferred')).toBe(600_000 + 200_000);
    expect(sum(parts, 'transferred', '4418')).toBe(200_000 + 60_000 + 60_000);
    expect(parts.filter((p) => p.figure === 'transferred' && p.villageCode === QY2).map((p) => p.at.slice(0, 10)).sort()).toEqual(['2025-02-01', '2025-03-01']);
  });

  it('adds up: the province is its cities plus 未分配, a city its counties', () => {
    const parts = countMoney(gift());
    for (const figure of ['received', 'transferred', 'allocated', 'used', 'evidenced', 'confirmed']) {
      const unallocated = parts.filter((p) => p.figure === figure && p.villageCode === null).reduce((s, p) => s + p.fen, 0);
      expect({ figure, province: sum(parts, figure) }).toEqual({ figure, province: sum(parts, figure, '4418') + sum(parts, figure, '4414') + unallocated });
      expect({ figure, city: sum(parts, figure, '4418') }).toEqual({ figure, city: sum(parts, figure, '441826') + sum(parts, figure, '441802') });
    }
    expect([sum(parts, 'allocated'), sum(parts, 'used'), sum(parts, 'evidenced'), sum(parts, 'confirmed')]).toEqual([360_000, 150_000, 150_000, 150_000]);
  });

  it('names the events behind each part: the gift’s receipt, every hop, the allocation', () => {
    const part = countMoney(gift()).find((p) => p.figure === 'received' && p.villageCode === QY2)!;
    expect(part.sources).toEqual([
      { flowId: 'g', kind: 'receipt', itemId: null },
      { flowId: 'g', kind: 'allocation', itemId: 'to-charity' },
      { flowId: 'c', kind: 'receipt', itemId: null },
      { flowId: 'c', kind: 'allocation', itemId: 'to-hub' },
      { flowId: 'h', kind: 'receipt', itemId: null },
      { flowId: 'h', kind: 'allocation', itemId: 'qy2' },
    ]);
  });

  it('without the whole tree, counts the village parts of the flows given and leaves 未分配 out', () => {
    const [root, charity] = gift();
    const parts = countMoney([charity, root], { complete: false });
    expect(parts.some((p) => p.villageCode === null)).toBe(false);
    expect(sum(parts, 'received', '4418')).toBe(200_000);
  });
});
