import { Actor, DecisionContext, fold } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { Party } from './donation.model';
import { availableOf, FlowCommand, flowDecider, FlowEvent, FlowState, flowStatus, initialFlowState } from './flow.decider';
import { fundDecider, FundHolder } from './fund.decider';
import { genesisHash, LedgerVerifier } from './ledger';

const now = new Date('2026-11-01T08:00:00.000Z');
const ctx = (actor: Actor, at = now): DecisionContext => ({ actor, now: at });
const VILLAGE = '441826105201';
const OTHER_VILLAGE = '441826106201';
const fdn: Party = { kind: 'organization', id: 'org-fdn', name: '甲基金会', organizationId: 'org-fdn', divisionCode: '4401' };
const hub: Party = { kind: 'organization', id: 'org-hub', name: '乙枢纽', organizationId: 'org-hub', divisionCode: '4418' };
const fdnStaff: Actor = { id: 'f1', role: 'organization', organizationId: 'org-fdn' };
const hubStaff: Actor = { id: 'h1', role: 'hub', organizationId: 'org-hub' };
const donorStaff: Actor = { id: 'd1', role: 'organization', organizationId: 'org-donor' };
const stranger: Actor = { id: 'x1', role: 'organization', organizationId: 'org-x' };
const coordinator: Actor = { id: 'c1', role: 'coordinator', scope: '441826105' };
const farCoordinator: Actor = { id: 'c2', role: 'coordinator', scope: '441826106' };
const auditor: Actor = { id: 'a1', role: 'auditor', scope: '44' };
const good = { exists: true, standing: 'normal' as const };

const pledge = (over: Partial<Extract<FlowCommand, { type: 'PledgeDonation' }>> = {}): FlowCommand => ({
  type: 'PledgeDonation',
  flowId: 'f-1',
  donor: { kind: 'organization', organizationId: 'org-donor', name: '丙公司基金会' },
  donorStanding: good,
  recipient: fdn,
  resource: { kind: 'money' },
  amount: 1_000_000,
  note: '',
  ...over,
});

/** Runs commands in order through decide and evolve, as the command handler would. */
function history(steps: [FlowCommand, Actor][], start: FlowState = initialFlowState): { state: FlowState; events: FlowEvent[] } {
  let state = start;
  const events: FlowEvent[] = [];
  for (const [command, actor] of steps) {
    const decided = flowDecider.decide(command, state, ctx(actor));
    for (const e of decided) state = flowDecider.evolve(state, e);
    events.push(...decided);
  }
  return { state, events };
}

const received = () => history([[pledge(), fdnStaff], [{ type: 'ReceiveDonation', receiptNumber: 'R-1', amount: 1_000_000, receivedOn: '2026-11-01' }, fdnStaff]]);
const toVillage = (amount = 600_000): FlowCommand => ({ type: 'AllocateDonation', allocationId: 'a-1', target: { kind: 'village', villageCode: VILLAGE, project: '卫生站' }, amount, note: '', childFlowId: null });
const toNeed = (amount = 600_000): FlowCommand => ({ type: 'AllocateDonation', allocationId: 'a-n', target: { kind: 'need', needId: 'need-1', villageCode: VILLAGE, title: '村道照明' }, amount, note: '', childFlowId: null });
const use = (over: Partial<Extract<FlowCommand, { type: 'RecordUse' }>> = {}): FlowCommand => ({
  type: 'RecordUse', useId: 'u-1', allocationId: 'a-1', need: null, amount: 200_000, evidence: [{ kind: 'invoice', ref: 'No.001', amountFen: 200_000 }], usedOn: '2026-11-02', note: '', ...over,
});

describe('donation flow decider', () => {
  describe('pledge', () => {
    it('is recorded by the donor’s or the recipient’s staff', () => {
      const [e] = given(flowDecider).when(pledge(), ctx(donorStaff)).then([expect.objectContaining({ type: 'DonationPledged' }) as FlowEvent]);
      expect(e.data).toMatchObject({ flowId: 'f-1', amount: 1_000_000, recipient: fdn, pledgedAt: now.toISOString() });
      given(flowDecider).when(pledge({ donor: { kind: 'individual' }, donorStanding: null }), ctx(fdnStaff)).then([expect.objectContaining({ type: 'DonationPledged' }) as FlowEvent]);
    });
    it('refuses others, donors in bad standing, unregistered donors, bad amounts and repeats', () => {
      given(flowDecider).when(pledge(), ctx(stranger)).thenThrows('forbidden', 'donor or of the recipient');
      given(flowDecider).when(pledge(), ctx(coordinator)).thenThrows('forbidden');
      given(flowDecider).when(pledge({ donorStanding: { exists: true, standing: 'abnormal' } }), ctx(fdnStaff)).thenThrows('forbidden', 'may not pledge');
      given(flowDecider).when(pledge({ donorStanding: { exists: true, standing: 'deregistered' } }), ctx(fdnStaff)).thenThrows('forbidden', 'may not pledge');
      given(flowDecider).when(pledge({ donorStanding: { exists: false, standing: 'normal' } }), ctx(fdnStaff)).thenThrows('not-found', 'not registered');
      given(flowDecider).when(pledge({ amount: 0 }), ctx(fdnStaff)).thenThrows('invalid', 'positive integer');
      given(flowDecider).when(pledge({ amount: 1.5 }), ctx(fdnStaff)).thenThrows('invalid', 'positive integer');
      given(flowDecider, history([[pledge(), fdnStaff]]).events).when(pledge(), ctx(fdnStaff)).thenThrows('conflict', 'already exists');
    });
  });

  describe('receipt', () => {
    it('records the receipt number and amount, at most the pledge', () => {
      const pledged = history([[pledge(), fdnStaff]]).events;
      given(flowDecider, pledged).when({ type: 'ReceiveDonation', receiptNumber: 'R-1', amount: 900_000, receivedOn: '2026-11-01' }, ctx(fdnStaff)).then([
        expect.objectContaining({ type: 'DonationReceived', data: expect.objectContaining({ receiptNumber: 'R-1', amount: 900_000 }) }) as FlowEvent,
      ]);
      given(flowDecider, pledged).when({ type: 'ReceiveDonation', receiptNumber: 'R-1', amount: 1_000_001, receivedOn: '2026-11-01' }, ctx(fdnStaff)).thenThrows('invalid', 'exceeds');
      given(flowDecider, pledged).when({ type: 'ReceiveDonation', receiptNumber: 'R-1', amount: 1, receivedOn: '2026-11-01' }, ctx(donorStaff)).thenThrows('forbidden', 'recipient');
      given(flowDecider, received().events).when({ type: 'ReceiveDonation', receiptNumber: 'R-2', amount: 1, receivedOn: '2026-11-01' }, ctx(fdnStaff)).thenThrows('conflict', 'already received');
      given(flowDecider).when({ type: 'ReceiveDonation', receiptNumber: 'R-1', amount: 1, receivedOn: '2026-11-01' }, ctx(fdnStaff)).thenThrows('not-found');
    });
    it('records scans of the receipt as files when given, and nothing extra otherwise', () => {
      const pledged = history([[pledge(), fdnStaff]]).events;
      const scan = { kind: 'receipt' as const, ref: `sha256:${'d'.repeat(64)}`, file: { sha256: 'd'.repeat(64), mediaType: 'image/png', size: 3_000, uploadedBy: 'f1', visibility: 'internal' as const } };
      const [withScan] = given(flowDecider, pledged)
        .when({ type: 'ReceiveDonation', receiptNumber: 'R-1', amount: 900_000, receivedOn: '2026-11-01', evidence: [scan] }, ctx(fdnStaff))
        .then([expect.objectContaining({ type: 'DonationReceived', data: expect.objectContaining({ evidence: [scan] }) }) as FlowEvent]);
      expect(fold(flowDecider, [...pledged, withScan]).receiptEvidence).toEqual([scan]);
      const [plain] = given(flowDecider, pledged).when({ type: 'ReceiveDonation', receiptNumber: 'R-1', amount: 900_000, receivedOn: '2026-11-01', evidence: [] }, ctx(fdnStaff)).then([expect.anything() as FlowEvent]);
      expect(plain.data).not.toHaveProperty('evidence');
      expect(fold(flowDecider, [...pledged, plain])).not.toHaveProperty('receiptEvidence');
    });
  });

  describe('allocation', () => {
    it('never exceeds what was received less refunds and earlier allocations', () => {
      const { events } = received();
      given(flowDecider, events).when(toVillage(1_000_000), ctx(fdnStaff)).then([expect.objectContaining({ type: 'DonationAllocated' }) as FlowEvent]);
      given(flowDecider, events).when(toVillage(1_000_001), ctx(fdnStaff)).thenThrows('invalid', 'exceeds the 1000000 still available');
      const after = history([[toVillage(600_000), fdnStaff], [{ type: 'RefundDonation', amount: 300_000, reason: '捐赠方撤回' }, fdnStaff]], received().state);
      expect(availableOf(after.state)).toBe(100_000);
      given(flowDecider, [...events, ...after.events]).when({ ...toVillage(100_001), allocationId: 'a-2' } as FlowCommand, ctx(fdnStaff)).thenThrows('invalid', 'exceeds the 100000');
    });
    it('needs the receipt first, the recipient’s staff, and a child flow id exactly for transfers', () => {
      given(flowDecider, history([[pledge(), fdnStaff]]).events).when(toVillage(), ctx(fdnStaff)).thenThrows('conflict', 'not been received');
      given(flowDecider, received().events).when(toVillage(), ctx(hubStaff)).thenThrows('forbidden', 'recipient');
      given(flowDecider, received().events).when({ ...toVillage(), childFlowId: 'c' } as FlowCommand, ctx(fdnStaff)).thenThrows('invalid', 'child flow');
      given(flowDecider, received().events)
        .when({ type: 'AllocateDonation', allocationId: 'a-t', target: { kind: 'organization', party: fdn }, amount: 1, note: '', childFlowId: 'c' }, ctx(fdnStaff))
        .thenThrows('invalid', 'its own holder');
    });
    it('returns an unused part of an allocation, never more, never of a transfer', () => {
      const base = history([[toVillage(600_000), fdnStaff], [use({ amount: 200_000 }), fdnStaff]], received().state);
      const events = [...received().events, ...base.events];
      given(flowDecider, events).when({ type: 'ReturnAllocation', allocationId: 'a-1', amount: 400_000, reason: '项目结余' }, ctx(fdnStaff)).then([expect.objectContaining({ type: 'AllocationReturned' }) as FlowEvent]);
      given(flowDecider, events).when({ type: 'ReturnAllocation', allocationId: 'a-1', amount: 400_001, reason: '项目结余' }, ctx(fdnStaff)).thenThrows('invalid', 'exceeds the 400000 unused');
      given(flowDecider, events).when({ type: 'ReturnAllocation', allocationId: 'a-x', amount: 1, reason: '-' }, ctx(fdnStaff)).thenThrows('not-found');
    });
  });

  describe('use and confirmation', () => {
    const allocated = () => history([[toVillage(600_000), fdnStaff], [toNeed(300_000), fdnStaff]], received().state);
    const events = () => [...received().events, ...allocated().events];
    it('uses never exceed their allocation', () => {
      given(flowDecider, events()).when(use({ amount: 600_000 }), ctx(fdnStaff)).then([expect.objectContaining({ type: 'DonationUsed' }) as FlowEvent]);
      given(flowDecider, events()).when(use({ amount: 600_001 }), ctx(fdnStaff)).thenThrows('invalid', 'exceeds the 600000 left');
    });
    it('a use serves only a need of the allocated village, and only the allocated need', () => {
      given(flowDecider, events()).when(use({ need: { needId: 'need-9', villageCode: OTHER_VILLAGE } }), ctx(fdnStaff)).thenThrows('invalid', 'another village');
      given(flowDecider, events()).when(use({ need: { needId: 'need-9', villageCode: VILLAGE } }), ctx(fdnStaff)).then([
        expect.objectContaining({ data: expect.objectContaining({ needId: 'need-9', villageCode: VILLAGE }) }) as FlowEvent,
      ]);
      given(flowDecider, events()).when(use({ allocationId: 'a-n', need: { needId: 'need-2', villageCode: VILLAGE } }), ctx(fdnStaff)).thenThrows('invalid', 'for need need-1');
      given(flowDecider, events()).when(use({ allocationId: 'a-n' }), ctx(fdnStaff)).then([expect.objectContaining({ data: expect.objectContaining({ needId: 'need-1' }) }) as FlowEvent]);
    });
    it('is confirmed only by the beneficiary village’s coordinator, once', () => {
      const used = [...events(), ...history([[use(), fdnStaff]], fold(flowDecider, events())).events];
      given(flowDecider, used).when({ type: 'ConfirmUse', useId: 'u-1', note: '已收到' }, ctx(coordinator)).then([expect.objectContaining({ type: 'UseConfirmed' }) as FlowEvent]);
      given(flowDecider, used).when({ type: 'ConfirmUse', useId: 'u-1', note: '' }, ctx(farCoordinator)).thenThrows('forbidden', 'coordinator of village');
      given(flowDecider, used).when({ type: 'ConfirmUse', useId: 'u-1', note: '' }, ctx(fdnStaff)).thenThrows('forbidden');
      given(flowDecider, used).when({ type: 'ConfirmUse', useId: 'u-1', note: '' }, ctx(auditor)).thenThrows('forbidden');
      const confirmed = [...used, ...history([[{ type: 'ConfirmUse', useId: 'u-1', note: '' }, coordinator]], fold(flowDecider, used)).events];
      given(flowDecider, confirmed).when({ type: 'ConfirmUse', useId: 'u-1', note: '' }, ctx(coordinator)).thenThrows('conflict', 'already confirmed');
      given(flowDecider, used).when({ type: 'AddUseEvidence', useId: 'u-1', evidence: [{ kind: 'photo', ref: 'p.jpg' }] }, ctx(fdnStaff)).then([expect.objectContaining({ type: 'UseEvidenceAdded' }) as FlowEvent]);
      given(flowDecider, used).when({ type: 'AddUseEvidence', useId: 'u-1', evidence: [] }, ctx(fdnStaff)).thenThrows('invalid', 'at least one');
    });
    it('a use without evidence is confirmed only with a stated reason, recorded in the event (and sealed with it)', () => {
      const bare = [...events(), ...history([[use({ evidence: [] }), fdnStaff]], fold(flowDecider, events())).events];
      given(flowDecider, bare).when({ type: 'ConfirmUse', useId: 'u-1', note: '' }, ctx(coordinator)).thenThrows('invalid', /has no evidence: state why/);
      given(flowDecider, bare).when({ type: 'ConfirmUse', useId: 'u-1', note: '', reason: '  ' }, ctx(coordinator)).thenThrows('invalid', /没有凭证/);
      const [confirmed] = given(flowDecider, bare)
        .when({ type: 'ConfirmUse', useId: 'u-1', note: '已收到', reason: ' 村委会现场清点，发票由镇财政所保管 ' }, ctx(coordinator))
        .then([expect.objectContaining({ type: 'UseConfirmed', data: expect.objectContaining({ note: '已收到', noEvidenceReason: '村委会现场清点，发票由镇财政所保管' }) }) as FlowEvent]);
      expect(fold(flowDecider, [...bare, confirmed]).uses[0].noEvidenceReason).toBe('村委会现场清点，发票由镇财政所保管');
      const withEvidence = [...events(), ...history([[use(), fdnStaff]], fold(flowDecider, events())).events];
      const [plain] = given(flowDecider, withEvidence).when({ type: 'ConfirmUse', useId: 'u-1', note: '' }, ctx(coordinator)).then([expect.objectContaining({ type: 'UseConfirmed' }) as FlowEvent]);
      expect(plain.data).not.toHaveProperty('noEvidenceReason');
    });
    it('records an uploaded file’s hash, type, size, uploader and visibility with the use', () => {
      const file = { sha256: 'c'.repeat(64), mediaType: 'application/pdf', size: 20_480, uploadedBy: 'f1', visibility: 'public' as const };
      const [usedEvent] = given(flowDecider, events())
        .when(use({ evidence: [{ kind: 'invoice', ref: `sha256:${file.sha256}`, file }] }), ctx(fdnStaff))
        .then([expect.objectContaining({ type: 'DonationUsed', data: expect.objectContaining({ evidence: [{ kind: 'invoice', ref: `sha256:${file.sha256}`, file }] }) }) as FlowEvent]);
      expect(fold(flowDecider, [...events(), usedEvent]).uses[0].evidence[0].file).toEqual(file);
    });
  });

  describe('transfers (donor → fund → hub → village)', () => {
    const transfer = () =>
      history([[{ type: 'AllocateDonation', allocationId: 'a-t', target: { kind: 'organization', party: hub }, amount: 700_000, note: '', childFlowId: 'child-1' }, fdnStaff]], received().state);
    it('the receiver starts the child flow with a link to the allocation’s hash, up to the amount allocated', () => {
      const parent = transfer().state;
      const receive = (amount: number): FlowCommand => ({ type: 'ReceiveTransfer', flowId: 'child-1', parent, allocationId: 'a-t', receiptNumber: 'H-1', amount, receivedOn: '2026-11-03' });
      const [e] = given(flowDecider).when(receive(700_000), ctx(hubStaff)).then([expect.objectContaining({ type: 'TransferReceived' }) as FlowEvent]);
      expect(e.data).toMatchObject({ parent: { flowId: 'f-1', allocationId: 'a-t', allocationHash: parent.allocations[0].hash }, donor: { kind: 'transfer', from: fdn }, recipient: hub });
      given(flowDecider).when(receive(700_001), ctx(hubStaff)).thenThrows('invalid', 'exceeds the 700000 allocated');
      given(flowDecider).when(receive(1), ctx(fdnStaff)).thenThrows('forbidden', 'only staff of 乙枢纽');
      given(flowDecider).when({ ...receive(1), flowId: 'other' } as FlowCommand, ctx(hubStaff)).thenThrows('conflict', 'not a transfer');
      given(flowDecider, [e]).when(receive(1), ctx(hubStaff)).thenThrows('conflict', 'already received');
    });
    it('a transfer is not used or returned on the parent flow', () => {
      const events = [...received().events, ...transfer().events];
      given(flowDecider, events).when(use({ allocationId: 'a-t' }), ctx(fdnStaff)).thenThrows('conflict', 'child flow');
      given(flowDecider, events).when({ type: 'ReturnAllocation', allocationId: 'a-t', amount: 1, reason: '-' }, ctx(fdnStaff)).thenThrows('conflict', 'refund');
    });
  });

  describe('refunds, corrections, disclosure', () => {
    it('a correction keeps what was allocated and refunded covered, and is its own event', () => {
      const { state, events } = history([[toVillage(600_000), fdnStaff]], received().state);
      const all = [...received().events, ...events];
      given(flowDecider, all).when({ type: 'CorrectReceipt', amount: 800_000, receiptNumber: 'R-1b', reason: '录入错误' }, ctx(fdnStaff)).then([
        expect.objectContaining({ type: 'ReceiptCorrected', data: expect.objectContaining({ from: { amount: 1_000_000, receiptNumber: 'R-1' }, to: { amount: 800_000, receiptNumber: 'R-1b' } }) }) as FlowEvent,
      ]);
      given(flowDecider, all).when({ type: 'CorrectReceipt', amount: 599_999, receiptNumber: 'R-1', reason: '录入错误' }, ctx(fdnStaff)).thenThrows('invalid', 'below what was already allocated');
      given(flowDecider, all).when({ type: 'CorrectReceipt', amount: 1_000_000, receiptNumber: 'R-1', reason: '无变化' }, ctx(fdnStaff)).then([]);
      expect(state.allocations).toHaveLength(1);
      given(flowDecider, all).when({ type: 'RefundDonation', amount: 400_001, reason: '-' }, ctx(fdnStaff)).thenThrows('invalid', 'exceeds the 400000 unallocated');
    });
    it('disclosure once, after receipt; status follows the flow to confirmed or refunded', () => {
      given(flowDecider, history([[pledge(), fdnStaff]]).events).when({ type: 'DiscloseDonation' }, ctx(fdnStaff)).thenThrows('conflict');
      const disclosed = history([[{ type: 'DiscloseDonation' }, fdnStaff]], received().state);
      given(flowDecider, [...received().events, ...disclosed.events]).when({ type: 'DiscloseDonation' }, ctx(fdnStaff)).then([]);
      const done = history(
        [
          [toVillage(1_000_000), fdnStaff],
          [use({ amount: 1_000_000 }), fdnStaff],
          [{ type: 'ConfirmUse', useId: 'u-1', note: '' }, coordinator],
        ],
        received().state,
      );
      expect(flowStatus(done.state)).toBe('confirmed');
      expect(flowStatus(history([[{ type: 'RefundDonation', amount: 1_000_000, reason: '-' }, fdnStaff]], received().state).state)).toBe('refunded');
      expect(flowStatus(history([[toVillage(1), fdnStaff]], received().state).state)).toBe('allocated');
    });
    it('goods count in their unit and carry a share of the estimated value', () => {
      const goods = history([
        [pledge({ resource: { kind: 'goods', item: '课桌椅', unit: '套', estimatedValueFen: 3_000_000 }, amount: 100 }), fdnStaff],
        [{ type: 'ReceiveDonation', receiptNumber: 'R-g', amount: 100, receivedOn: '2026-11-01' }, fdnStaff],
        [{ ...toVillage(40) } as FlowCommand, fdnStaff],
      ]);
      expect(goods.state.allocations[0]).toMatchObject({ amount: 40, valueFen: 1_200_000 });
    });
  });

  describe('ledger seals', () => {
    it('chains every event to the previous one, verifiable from the stored form', () => {
      const { events } = history([[toVillage(), fdnStaff], [use(), fdnStaff]], received().state);
      const all = [...received().events, ...events];
      expect(all[0].data.ledger).toMatchObject({ seq: 0, prevHash: genesisHash('donation-f-1') });
      all.slice(1).forEach((e, i) => expect(e.data.ledger!.prevHash).toBe(all[i].data.ledger!.hash));
      const actors = [fdnStaff, fdnStaff, fdnStaff, fdnStaff];
      const entries = all.map((e, i) => ({
        position: i,
        stream: 'donation-f-1',
        revision: i,
        id: `e${i}`,
        type: e.type,
        data: e.data as unknown as Record<string, unknown>,
        metadata: { actorId: actors[i].id, actorRole: actors[i].role, actorOrganizationId: actors[i].organizationId, occurredAt: now.toISOString() },
      }));
      const ok = new LedgerVerifier();
      entries.forEach((e) => ok.add(e));
      expect(ok.report()).toMatchObject({ ok: true, eventsChecked: 4, streamsChecked: 1, firstBrokenLink: null });

      const edited = new LedgerVerifier();
      entries.forEach((e, i) => edited.add(i === 2 ? { ...e, data: { ...e.data, amount: 1 } } : e));
      expect(edited.report()).toMatchObject({ ok: false, firstBrokenLink: { revision: 2, problem: 'content-hash-mismatch' } });

      const reactor = new LedgerVerifier();
      entries.forEach((e, i) => reactor.add(i === 1 ? { ...e, metadata: { ...e.metadata, actorId: 'someone-else' } } : e));
      expect(reactor.report().firstBrokenLink).toMatchObject({ revision: 1, problem: 'content-hash-mismatch' });

      const gap = new LedgerVerifier();
      entries.filter((_, i) => i !== 1).forEach((e) => gap.add(e));
      expect(gap.report().firstBrokenLink).toMatchObject({ problem: 'sequence-gap' });
    });
  });
});

describe('fund decider', () => {
  const holder = (over: Partial<FundHolder> = {}): FundHolder => ({ organizationId: 'org-fdn', name: '甲基金会', divisionCode: '4401', exists: true, standing: 'normal', mayHoldFunds: true, ...over });
  const establish = (over: Partial<FundHolder> = {}) => ({ type: 'EstablishFund' as const, fundId: 'fund-1', name: '乡村教育专项基金', purpose: '', holder: holder(over) });
  it('is set up by the holder’s staff or bureau staff within scope, for foundations and hubs in good standing', () => {
    given(fundDecider).when(establish(), ctx(fdnStaff)).then([expect.objectContaining({ type: 'FundEstablished' })]);
    given(fundDecider).when(establish(), ctx({ id: 'b', role: 'bureau', scope: '4401' })).then([expect.objectContaining({ type: 'FundEstablished' })]);
    given(fundDecider).when(establish(), ctx({ id: 'b', role: 'bureau', scope: '4418' })).thenThrows('forbidden');
    given(fundDecider).when(establish(), ctx(stranger)).thenThrows('forbidden');
    given(fundDecider).when(establish({ mayHoldFunds: false }), ctx(fdnStaff)).thenThrows('invalid', 'foundation or a hub');
    given(fundDecider).when(establish({ standing: 'abnormal' }), ctx(fdnStaff)).thenThrows('forbidden', 'normal standing');
    given(fundDecider).when(establish({ exists: false }), ctx(fdnStaff)).thenThrows('not-found');
    const [e] = fundDecider.decide(establish(), fundDecider.initialState, ctx(fdnStaff));
    given(fundDecider, [e]).when(establish(), ctx(fdnStaff)).thenThrows('conflict', 'already exists');
  });
});
