import { given } from '@shecun/core/testing';
import { NeedCommand, needDecider, needStatus } from './need.decider';
import { NeedEvent } from './need.events';
import { ItemQuantity } from './need.model';
import {
  accepted,
  AT,
  bureau,
  BURSARY,
  CHARITY,
  CHARITY_ACCEPTED,
  commitmentWithdrawn,
  coordinator,
  ctx,
  declined,
  DELIVERED,
  drafted,
  EDU,
  ENERGY,
  expired,
  FEDERATION,
  L,
  LAMPS,
  NEED_ID,
  needWithdrawn,
  offer,
  offered,
  OPEN,
  Org,
  published,
  recorded,
  revised,
  staff,
  stateOf,
  system,
  TODAY,
  TRAINING,
} from './testing/need.decider.fixtures';

// The needs decider: offering, accepting, declining and withdrawing commitments (need.decide-commitments.ts).
// Fixtures: testing/need.decider.fixtures.ts.

// ---------------------------------------------------------------------------------------------
// OfferCommitment
// ---------------------------------------------------------------------------------------------

describe('OfferCommitment', () => {
  const offeredNow = (org: Org, items: ItemQuantity[], promisedBy = '2026-05-20'): NeedEvent => ({
    type: 'CommitmentOffered',
    data: {
      needId: NEED_ID,
      commitmentId: 'c9',
      organizationId: org.id,
      organizationName: org.name,
      items,
      promisedBy,
      note: '六月前分两批到位',
      offeredAt: AT,
    },
  });

  it('offers a commitment that waits for the coordinator', () => {
    given(needDecider, OPEN)
      .when(offer(ENERGY, [L('L2', 40)]), ctx(staff(ENERGY)))
      .then([offeredNow(ENERGY, [L('L2', 40)])]);
  });

  it('lets a hub organization offer on several line items, promising delivery today', () => {
    const items = [L('L1', 500_000), L('L3', 2)];
    given(needDecider, OPEN)
      .when(offer(FEDERATION, items, { promisedBy: TODAY }), ctx(staff(FEDERATION, 'hub')))
      .then([offeredNow(FEDERATION, items, TODAY)]);
  });

  it('accepts at once, automatically, when the need auto-accepts', () => {
    given(needDecider, [drafted({ autoAccept: true }), published()])
      .when(offer(EDU, [L('L1', 2_000_000)]), ctx(staff(EDU)))
      .then([
        offeredNow(EDU, [L('L1', 2_000_000)]),
        { type: 'CommitmentAccepted', data: { needId: NEED_ID, commitmentId: 'c9', automatic: true, acceptedAt: AT } },
      ]);
  });

  it('takes offers on a partially committed need, up to what is still lacking', () => {
    const events = [drafted({ autoAccept: true }), published(), offered('c1', CHARITY, [L('L1', 1_000_000)]), accepted('c1', true)];
    expect(needStatus(stateOf(events))).toBe('partially_committed');
    given(needDecider, events)
      .when(offer(EDU, [L('L1', 2_000_000)]), ctx(staff(EDU)))
      .then([offeredNow(EDU, [L('L1', 2_000_000)]), expect.objectContaining({ type: 'CommitmentAccepted' }) as NeedEvent]);
  });

  it('refuses, with the figures, an auto-accepted offer above what is lacking', () => {
    const error = given(needDecider, [drafted({ autoAccept: true }), published(), offered('c1', CHARITY, [L('L1', 1_000_000)]), accepted('c1', true)])
      .when(offer(EDU, [L('L1', 2_000_001)]), ctx(staff(EDU)))
      .thenThrows('conflict', /L1（瑶族学生助学金）仅缺 2000000 分，本次接单 2000001 分.*only lacks 2000000/);
    expect(error.details).toEqual({ lineItemId: 'L1', lacking: 2_000_000, requested: 2_000_001 });
  });

  it.each([
    ['listed as abnormal', 'abnormal', 'listed as abnormal'],
    ['deregistered', 'deregistered', 'is deregistered'],
    ['not registered', 'unregistered', 'not registered'],
  ] as const)('refuses an organization %s (403, standing in the details)', (_, standing, message) => {
    const error = given(needDecider, OPEN).when(offer(ENERGY, [L('L2', 1)], { organizationStanding: standing }), ctx(staff(ENERGY))).thenThrows('forbidden', message);
    expect(error.details).toEqual({ standing });
  });

  it('counts a missing standing as unregistered (fails closed)', () => {
    given(needDecider, OPEN).when(offer(ENERGY, [L('L2', 1)], { organizationStanding: undefined }), ctx(staff(ENERGY))).thenThrows('forbidden', 'not registered');
  });

  it('lets an abnormal organization still deliver what it committed before', () => {
    const events = [...OPEN, offered('c1', ENERGY, [L('L2', 4)]), accepted('c1')];
    given(needDecider, events)
      .when({ type: 'RecordDelivery', commitmentId: 'c1', deliveryId: 'd1', items: [L('L2', 4)], evidence: [{ kind: 'photo', ref: 'x.jpg' }], note: '' }, ctx(staff(ENERGY)))
      .then([expect.objectContaining({ type: 'DeliveryRecorded' }) as NeedEvent]);
  });

  it('refuses an offer above the whole line item even without auto-accept', () => {
    const error = given(needDecider, OPEN).when(offer(ENERGY, [L('L2', 41)]), ctx(staff(ENERGY))).thenThrows('conflict', 'only lacks 40');
    expect(error.details).toEqual({ lineItemId: 'L2', lacking: 40, requested: 41 });
  });

  it('counts only accepted commitments, not pending offers, against what is lacking', () => {
    given(needDecider, [...OPEN, offered('c1', CHARITY, [L('L1', 3_000_000)])])
      .when(offer(EDU, [L('L1', 3_000_000)]), ctx(staff(EDU)))
      .then([offeredNow(EDU, [L('L1', 3_000_000)])]);
  });

  it.each([['the coordinator', coordinator], ['bureau staff', bureau], ['the system', system]])('is forbidden to %s', (_, actor) => {
    given(needDecider, OPEN).when(offer(CHARITY, [L('L1', 100)]), ctx(actor)).thenThrows('forbidden', /may not .*commit to needs/);
  });

  it('reports a missing need', () => {
    given(needDecider, []).when(offer(CHARITY, [L('L1', 100)]), ctx(staff(CHARITY))).thenThrows('not-found');
  });

  it('forbids committing on behalf of another organization', () => {
    given(needDecider, OPEN)
      .when(offer(EDU, [L('L1', 100)]), ctx(staff(CHARITY)))
      .thenThrows('forbidden', 'on behalf of your own organization');
  });

  it('forbids organization staff who act for no organization', () => {
    given(needDecider, OPEN)
      .when(offer(EDU, [L('L1', 100)]), ctx({ id: 'staff-unknown', role: 'organization' }))
      .thenThrows('forbidden', 'on behalf of your own organization');
  });

  it.each([
    ['a fully committed need', [...OPEN, offered('c1', CHARITY, [L('L1', 3_000_000), L('L2', 40), L('L3', 2)]), accepted('c1')], 'fully_committed'],
    ['a withdrawn need', [...OPEN, needWithdrawn()], 'withdrawn'],
    ['an expired need', [drafted({ dueDate: '2026-02-25' }), published(), expired()], 'expired'],
  ])('is not open on %s', (_, events, status) => {
    given(needDecider, events)
      .when(offer(EDU, [L('L1', 100)]), ctx(staff(EDU)))
      .thenThrows('conflict', `需求状态为 ${status}，不接受接单`);
  });

  it('does not see a draft: an organization gets not-found', () => {
    given(needDecider, [drafted()]).when(offer(EDU, [L('L1', 100)]), ctx(staff(EDU))).thenThrows('not-found');
  });

  it('rejects a commitment id already used', () => {
    given(needDecider, [...OPEN, offered('c9', CHARITY, [L('L1', 100)]), declined('c9')])
      .when(offer(EDU, [L('L1', 100)]), ctx(staff(EDU)))
      .thenThrows('conflict', 'commitment id already used');
  });

  it.each([
    ['offered', [...OPEN, offered('c1', EDU, [L('L1', 100)])]],
    ['accepted', [...OPEN, offered('c1', EDU, [L('L1', 100)]), accepted('c1')]],
  ])('allows one open commitment per organization (one %s already)', (_, events) => {
    given(needDecider, events)
      .when(offer(EDU, [L('L3', 1)]), ctx(staff(EDU)))
      .thenThrows('conflict', 'already has an open commitment');
  });

  it('lets an organization offer again after its earlier offer was declined or withdrawn', () => {
    given(needDecider, [...OPEN, offered('c1', EDU, [L('L1', 100)]), declined('c1'), offered('c2', EDU, [L('L1', 100)]), commitmentWithdrawn('c2')])
      .when(offer(EDU, [L('L3', 1)]), ctx(staff(EDU)))
      .then([offeredNow(EDU, [L('L3', 1)])]);
  });

  it.each([
    ['in the past', '2026-02-28'],
    ['malformed', '2026-5-20'],
    ['impossible', '2026-04-31'],
  ])('rejects a promised date %s', (_, promisedBy) => {
    given(needDecider, OPEN)
      .when(offer(EDU, [L('L1', 100)], { promisedBy }), ctx(staff(EDU)))
      .thenThrows('invalid', 'promisedBy must be a date today or later');
  });

  it.each<[string, ItemQuantity[], string | RegExp]>([
    ['no items', [], 'must cover at least one line item'],
    ['a line item listed twice', [L('L1', 100), L('L1', 200)], 'line item L1 is listed twice'],
    ['an unknown line item', [L('L7', 1)], 'this need has no line item L7'],
    ['a zero quantity', [L('L2', 0)], 'quantity for L2 must be a positive integer'],
    ['a fractional quantity', [L('L1', 0.5)], 'quantity for L1 must be a positive integer'],
  ])('rejects %s as invalid', (_, items, message) => {
    given(needDecider, OPEN).when(offer(EDU, items), ctx(staff(EDU))).thenThrows('invalid', message);
  });
});

// ---------------------------------------------------------------------------------------------
// AcceptCommitment, DeclineCommitment
// ---------------------------------------------------------------------------------------------

describe('AcceptCommitment', () => {
  const PENDING = [...OPEN, offered('c1', CHARITY, [L('L1', 1_000_000)])];

  it('accepts an offered commitment', () => {
    given(needDecider, PENDING)
      .when({ type: 'AcceptCommitment', commitmentId: 'c1' }, ctx(coordinator))
      .then([{ type: 'CommitmentAccepted', data: { needId: NEED_ID, commitmentId: 'c1', automatic: false, acceptedAt: AT } }]);
  });

  it('is forbidden to organizations, even the one that offered', () => {
    given(needDecider, PENDING)
      .when({ type: 'AcceptCommitment', commitmentId: 'c1' }, ctx(staff(CHARITY)))
      .thenThrows('forbidden', /may not .*accept commitments/);
  });

  it('reports a missing need', () => {
    given(needDecider, []).when({ type: 'AcceptCommitment', commitmentId: 'c1' }, ctx(coordinator)).thenThrows('not-found', 'need not found');
  });

  it('reports a missing commitment', () => {
    given(needDecider, PENDING)
      .when({ type: 'AcceptCommitment', commitmentId: 'c404' }, ctx(coordinator))
      .thenThrows('not-found', '接单 c404 不存在');
  });

  it.each([
    ['accepted', [...PENDING, accepted('c1')]],
    ['declined', [...PENDING, declined('c1')]],
    ['withdrawn', [...PENDING, commitmentWithdrawn('c1')]],
  ])('accepts only an offered commitment, not one %s', (status, events) => {
    given(needDecider, events)
      .when({ type: 'AcceptCommitment', commitmentId: 'c1' }, ctx(coordinator))
      .thenThrows('conflict', `接单状态为 ${status}`);
  });

  it('accepts nothing on a need that is no longer open', () => {
    given(needDecider, [...PENDING, needWithdrawn()])
      .when({ type: 'AcceptCommitment', commitmentId: 'c1' }, ctx(coordinator))
      .thenThrows('conflict', /withdrawn.*the need is not open/);
  });

  it('keeps accepted quantities within what is lacking: of two offers for the last portion, the second is refused', () => {
    const events = [...OPEN, offered('c1', ENERGY, [L('L2', 30)]), offered('c2', FEDERATION, [L('L2', 25)]), accepted('c1')];
    const error = given(needDecider, events)
      .when({ type: 'AcceptCommitment', commitmentId: 'c2' }, ctx(coordinator))
      .thenThrows('conflict', /仅缺 10 盏，本次接单 25 盏/);
    expect(error.details).toEqual({ lineItemId: 'L2', lacking: 10, requested: 25 });
  });

  it('refuses an offer that a later revision left too large', () => {
    const events = [...PENDING, revised({ lineItems: [{ ...BURSARY, quantity: 800_000 }, LAMPS, TRAINING] })];
    const error = given(needDecider, events).when({ type: 'AcceptCommitment', commitmentId: 'c1' }, ctx(coordinator)).thenThrows('conflict');
    expect(error.details).toEqual({ lineItemId: 'L1', lacking: 800_000, requested: 1_000_000 });
  });
});

describe('DeclineCommitment', () => {
  const PENDING = [...OPEN, offered('c1', CHARITY, [L('L1', 1_000_000)])];
  const decline = (reason = '该项已由县教育局解决'): NeedCommand => ({ type: 'DeclineCommitment', commitmentId: 'c1', reason });

  it('declines an offered commitment', () => {
    given(needDecider, PENDING)
      .when(decline(), ctx(coordinator))
      .then([{ type: 'CommitmentDeclined', data: { needId: NEED_ID, commitmentId: 'c1', reason: '该项已由县教育局解决', declinedAt: AT } }]);
  });

  it('is forbidden to bureau staff', () => {
    given(needDecider, PENDING).when(decline(), ctx(bureau)).thenThrows('forbidden', /may not .*decline commitments/);
  });

  it('reports a missing need and a missing commitment', () => {
    given(needDecider, []).when(decline(), ctx(coordinator)).thenThrows('not-found', 'need not found');
    given(needDecider, OPEN).when(decline(), ctx(coordinator)).thenThrows('not-found', 'commitment not found');
  });

  it('declines only an offered commitment', () => {
    given(needDecider, [...PENDING, accepted('c1')]).when(decline(), ctx(coordinator)).thenThrows('conflict', 'only an offered commitment can be declined');
  });

  it('needs a reason', () => {
    given(needDecider, PENDING).when(decline('  '), ctx(coordinator)).thenThrows('invalid', 'reason is required');
  });
});

// ---------------------------------------------------------------------------------------------
// WithdrawCommitment
// ---------------------------------------------------------------------------------------------

describe('WithdrawCommitment', () => {
  const withdraw = (reason = '年度预算调整'): NeedCommand => ({ type: 'WithdrawCommitment', commitmentId: 'c1', reason });
  const withdrawnNow: NeedEvent = { type: 'CommitmentWithdrawn', data: { needId: NEED_ID, commitmentId: 'c1', reason: '年度预算调整', withdrawnAt: AT } };

  it.each([
    ['an offered', [...OPEN, offered('c1', CHARITY, [L('L1', 1_000_000)])]],
    ['an accepted', CHARITY_ACCEPTED],
  ])('withdraws %s commitment', (_, events) => {
    given(needDecider, events).when(withdraw(), ctx(staff(CHARITY))).then([withdrawnNow]);
  });

  it('is forbidden to the coordinator', () => {
    given(needDecider, CHARITY_ACCEPTED).when(withdraw(), ctx(coordinator)).thenThrows('forbidden', /may not .*withdraw commitments/);
  });

  it('reports a missing need and a missing commitment', () => {
    given(needDecider, []).when(withdraw(), ctx(staff(CHARITY))).thenThrows('not-found', 'need not found');
    given(needDecider, OPEN).when(withdraw(), ctx(staff(CHARITY))).thenThrows('not-found', 'commitment not found');
  });

  it('forbids another organization, and staff acting for none', () => {
    given(needDecider, CHARITY_ACCEPTED).when(withdraw(), ctx(staff(EDU))).thenThrows('forbidden', 'only the organization that made this commitment');
    given(needDecider, CHARITY_ACCEPTED)
      .when(withdraw(), ctx({ id: 'staff-unknown', role: 'hub' }))
      .thenThrows('forbidden', 'only the organization that made this commitment');
  });

  it.each([
    ['declined', [...OPEN, offered('c1', CHARITY, [L('L1', 1_000_000)]), declined('c1')]],
    ['withdrawn', [...CHARITY_ACCEPTED, commitmentWithdrawn('c1')]],
  ])('cannot withdraw a %s commitment', (status, events) => {
    given(needDecider, events).when(withdraw(), ctx(staff(CHARITY))).thenThrows('conflict', `接单状态为 ${status}，不能撤回`);
  });

  it.each([
    ['recorded', [...CHARITY_ACCEPTED, recorded('c1', 'd1', [L('L1', 400_000)])]],
    ['delivered in full and confirmed', DELIVERED],
  ])('cannot withdraw once a delivery is %s', (_, events) => {
    given(needDecider, events).when(withdraw(), ctx(staff(CHARITY))).thenThrows('conflict', 'a commitment with recorded deliveries cannot be withdrawn');
  });

  it('needs a reason', () => {
    given(needDecider, CHARITY_ACCEPTED).when(withdraw(''), ctx(staff(CHARITY))).thenThrows('invalid', 'reason is required');
  });
});
