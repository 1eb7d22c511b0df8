import { Actor } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { NeedCommand, needDecider } from './need.decider';
import { NeedEvent } from './need.events';
import { ItemQuantity } from './need.model';
import {
  accepted,
  AT,
  CHARITY,
  CHARITY_ACCEPTED,
  confirmed,
  coordinator,
  ctx,
  declined,
  DELIVERED,
  EDU,
  fulfilled,
  L,
  NEED_ID,
  needWithdrawn,
  offered,
  OPEN,
  recordDelivery,
  recorded,
  staff,
  stateOf,
} from './testing/need.decider.fixtures';

// The needs decider: recording and confirming deliveries, with their evidence (need.decide-commitments.ts).
// Fixtures: testing/need.decider.fixtures.ts.

// ---------------------------------------------------------------------------------------------
// RecordDelivery
// ---------------------------------------------------------------------------------------------

describe('RecordDelivery', () => {
  const TWO_ITEMS = [...OPEN, offered('c1', CHARITY, [L('L1', 1_000_000), L('L3', 2)]), accepted('c1')];

  it('records a delivery with evidence', () => {
    const evidence = [
      { kind: 'receipt' as const, ref: '粤财社捐 No.44010012345' },
      { kind: 'recipient_list' as const, ref: 'files/南岗村助学名单.xlsx', note: '30 名学生签收' },
    ];
    given(needDecider, CHARITY_ACCEPTED)
      .when(recordDelivery([L('L1', 600_000)], { evidence }), ctx(staff(CHARITY)))
      .then([
        {
          type: 'DeliveryRecorded',
          data: { needId: NEED_ID, commitmentId: 'c1', deliveryId: 'd1', items: [L('L1', 600_000)], evidence, note: '第一批助学金', recordedAt: AT },
        },
      ]);
  });

  it('records the rest in a second delivery, up to exactly what was committed', () => {
    given(needDecider, [...CHARITY_ACCEPTED, recorded('c1', 'd1', [L('L1', 600_000)])])
      .when(recordDelivery([L('L1', 400_000)], { deliveryId: 'd2' }), ctx(staff(CHARITY)))
      .then([expect.objectContaining({ type: 'DeliveryRecorded' }) as NeedEvent]);
  });

  it('is forbidden to the coordinator', () => {
    given(needDecider, CHARITY_ACCEPTED).when(recordDelivery([L('L1', 100)]), ctx(coordinator)).thenThrows('forbidden', /may not .*record deliveries/);
  });

  it('reports a missing need and a missing commitment', () => {
    given(needDecider, []).when(recordDelivery([L('L1', 100)]), ctx(staff(CHARITY))).thenThrows('not-found', 'need not found');
    given(needDecider, OPEN).when(recordDelivery([L('L1', 100)]), ctx(staff(CHARITY))).thenThrows('not-found', 'commitment not found');
  });

  it.each([['another organization', staff(EDU)], ['staff acting for no organization', { id: 'staff-unknown', role: 'organization' } as Actor]])(
    'forbids %s to record on the commitment',
    (_, actor) => {
      given(needDecider, CHARITY_ACCEPTED).when(recordDelivery([L('L1', 100)]), ctx(actor)).thenThrows('forbidden', 'only the organization that made this commitment');
    },
  );

  it.each([
    ['offered', [...OPEN, offered('c1', CHARITY, [L('L1', 1_000_000)])]],
    ['declined', [...OPEN, offered('c1', CHARITY, [L('L1', 1_000_000)]), declined('c1')]],
    ['delivered', DELIVERED],
  ])('records deliveries only on accepted commitments, not %s ones', (status, events) => {
    given(needDecider, events)
      .when(recordDelivery([L('L1', 100)], { deliveryId: 'd2' }), ctx(staff(CHARITY)))
      .thenThrows('conflict', `接单状态为 ${status}，不能登记交付`);
  });

  it.each([
    ['fulfilled', [...TWO_ITEMS, recorded('c1', 'd1', [L('L1', 1_000_000)]), confirmed('c1', 'd1'), fulfilled()]],
    ['withdrawn', [...CHARITY_ACCEPTED, needWithdrawn()]],
  ])('records nothing once the need is %s', (status, events) => {
    given(needDecider, events)
      .when(recordDelivery([L('L3', 1)], { deliveryId: 'd2' }), ctx(staff(CHARITY)))
      .thenThrows('conflict', `需求已${status} (the need has ended)`);
  });

  it('rejects a delivery id already used on the commitment', () => {
    given(needDecider, [...CHARITY_ACCEPTED, recorded('c1', 'd1', [L('L1', 100)])])
      .when(recordDelivery([L('L1', 100)]), ctx(staff(CHARITY)))
      .thenThrows('conflict', 'delivery id already used');
  });

  it('needs evidence', () => {
    given(needDecider, CHARITY_ACCEPTED)
      .when(recordDelivery([L('L1', 100)], { evidence: [] }), ctx(staff(CHARITY)))
      .thenThrows('invalid', 'at least one piece of evidence');
  });

  it.each<[string, ItemQuantity[], string]>([
    ['no items', [], 'must cover at least one line item'],
    ['an unknown line item', [L('L8', 1)], 'this need has no line item L8'],
    ['a negative quantity', [L('L1', -100)], 'quantity for L1 must be a positive integer'],
    ['a line item this commitment does not cover', [L('L2', 5)], 'this commitment does not cover line item L2'],
  ])('rejects %s as invalid', (_, items, message) => {
    given(needDecider, CHARITY_ACCEPTED).when(recordDelivery(items), ctx(staff(CHARITY))).thenThrows('invalid', message);
  });

  it('refuses, with the figures, a delivery beyond what was committed', () => {
    const error = given(needDecider, [...TWO_ITEMS, recorded('c1', 'd1', [L('L1', 600_000)])])
      .when(recordDelivery([L('L3', 1), L('L1', 400_001)], { deliveryId: 'd2' }), ctx(staff(CHARITY)))
      .thenThrows('conflict', /L1 交付超出承诺：已登记 600000，承诺 1000000/);
    expect(error.details).toEqual({ lineItemId: 'L1', committed: 1_000_000, recorded: 600_000 });
  });
});

// ---------------------------------------------------------------------------------------------
// ConfirmDelivery
// ---------------------------------------------------------------------------------------------

describe('ConfirmDelivery', () => {
  const RECORDED = [...CHARITY_ACCEPTED, recorded('c1', 'd1', [L('L1', 1_000_000)])];
  const confirm = (overrides: Partial<Extract<NeedCommand, { type: 'ConfirmDelivery' }>> = {}): NeedCommand => ({
    type: 'ConfirmDelivery',
    commitmentId: 'c1',
    deliveryId: 'd1',
    note: '已核对银行回单',
    ...overrides,
  });

  it('confirms a recorded delivery', () => {
    given(needDecider, RECORDED)
      .when(confirm(), ctx(coordinator))
      .then([{ type: 'DeliveryConfirmed', data: { needId: NEED_ID, commitmentId: 'c1', deliveryId: 'd1', note: '已核对银行回单', confirmedAt: AT } }]);
  });

  it('is forbidden to the delivering organization', () => {
    given(needDecider, RECORDED).when(confirm(), ctx(staff(CHARITY))).thenThrows('forbidden', /may not .*confirm deliveries/);
  });

  it('reports a missing need, commitment or delivery', () => {
    given(needDecider, []).when(confirm(), ctx(coordinator)).thenThrows('not-found', 'need not found');
    given(needDecider, RECORDED).when(confirm({ commitmentId: 'c2' }), ctx(coordinator)).thenThrows('not-found', 'commitment not found');
    given(needDecider, RECORDED).when(confirm({ deliveryId: 'd2' }), ctx(coordinator)).thenThrows('not-found', '交付 d2 不存在');
  });

  it('confirms a delivery only once', () => {
    given(needDecider, [...RECORDED, confirmed('c1', 'd1')]).when(confirm(), ctx(coordinator)).thenThrows('conflict', 'already confirmed');
  });

  describe('evidence files and confirming without evidence', () => {
    const FILE = { sha256: 'a'.repeat(64), mediaType: 'image/jpeg', size: 48_213, uploadedBy: 'staff-org-gz-charity', visibility: 'public' as const, thumbnail: 'b'.repeat(64) };
    const withoutEvidence = (): NeedEvent => {
      const event = recorded('c1', 'd1', [L('L1', 1_000_000)]) as Extract<NeedEvent, { type: 'DeliveryRecorded' }>;
      return { ...event, data: { ...event.data, evidence: [] } };
    };

    it('records the file’s hash, type, size, uploader and visibility with the delivery, and old {kind, ref} evidence still folds', () => {
      const evidence = [{ kind: 'photo' as const, ref: `sha256:${FILE.sha256}`, file: FILE }, { kind: 'receipt' as const, ref: '粤财社捐 No.44010012345' }];
      const [event] = given(needDecider, CHARITY_ACCEPTED)
        .when({ type: 'RecordDelivery', commitmentId: 'c1', deliveryId: 'd1', items: [L('L1', 1_000_000)], evidence, note: '' }, ctx(staff(CHARITY)))
        .then([{ type: 'DeliveryRecorded', data: { needId: NEED_ID, commitmentId: 'c1', deliveryId: 'd1', items: [L('L1', 1_000_000)], evidence, note: '', recordedAt: AT } }]);
      const state = stateOf([...CHARITY_ACCEPTED, event]);
      expect(state.commitments[0].deliveries[0].evidence[0].file).toEqual(FILE);
      expect(stateOf(RECORDED).commitments[0].deliveries[0].evidence).toEqual([{ kind: 'receipt', ref: '粤财社捐 No.44010012345' }]);
    });

    it('a delivery with evidence is confirmed without a reason, and none is recorded', () => {
      const [event] = given(needDecider, RECORDED).when(confirm({ reason: '无需说明' }), ctx(coordinator)).then([expect.objectContaining({ type: 'DeliveryConfirmed' }) as NeedEvent]);
      expect(event.data).not.toHaveProperty('noEvidenceReason');
    });

    it('a delivery without evidence needs a stated reason (blank is not one)', () => {
      given(needDecider, [...CHARITY_ACCEPTED, withoutEvidence()]).when(confirm(), ctx(coordinator)).thenThrows('invalid', /no evidence: state why/);
      given(needDecider, [...CHARITY_ACCEPTED, withoutEvidence()]).when(confirm({ reason: '   ' }), ctx(coordinator)).thenThrows('invalid', /没有证明材料/);
    });

    it('the reason is recorded in the event and in the delivery’s state', () => {
      const [event] = given(needDecider, [...CHARITY_ACCEPTED, withoutEvidence()])
        .when(confirm({ reason: ' 现场验收，签收单原件存村委 ' }), ctx(coordinator))
        .then([{ type: 'DeliveryConfirmed', data: { needId: NEED_ID, commitmentId: 'c1', deliveryId: 'd1', note: '已核对银行回单', noEvidenceReason: '现场验收，签收单原件存村委', confirmedAt: AT } }]);
      expect(stateOf([...CHARITY_ACCEPTED, withoutEvidence(), event]).commitments[0].deliveries[0].noEvidenceReason).toBe('现场验收，签收单原件存村委');
    });

    it('the coordinator’s own photo is recorded with the confirmation and joins the delivery’s evidence; it stands for the reason', () => {
      const photo = [{ kind: 'photo' as const, ref: `sha256:${FILE.sha256}`, file: { ...FILE, uploadedBy: 'coord-1', visibility: 'internal' as const } }];
      const [event] = given(needDecider, [...CHARITY_ACCEPTED, withoutEvidence()])
        .when(confirm({ evidence: photo }), ctx(coordinator))
        .then([{ type: 'DeliveryConfirmed', data: { needId: NEED_ID, commitmentId: 'c1', deliveryId: 'd1', note: '已核对银行回单', evidence: photo, confirmedAt: AT } }]);
      expect(stateOf([...CHARITY_ACCEPTED, withoutEvidence(), event]).commitments[0].deliveries[0].evidence).toEqual(photo);
      const [added] = given(needDecider, RECORDED).when(confirm({ evidence: photo }), ctx(coordinator)).then([expect.objectContaining({ type: 'DeliveryConfirmed' }) as NeedEvent]);
      expect(stateOf([...RECORDED, added]).commitments[0].deliveries[0].evidence).toEqual([{ kind: 'receipt', ref: '粤财社捐 No.44010012345' }, ...photo]);
    });

    it('a confirmation without photos records no evidence', () => {
      const [event] = given(needDecider, RECORDED).when(confirm({ evidence: [] }), ctx(coordinator)).then([expect.objectContaining({ type: 'DeliveryConfirmed' }) as NeedEvent]);
      expect(event.data).not.toHaveProperty('evidence');
    });
  });
});
