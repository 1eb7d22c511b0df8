import { Actor } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { commitmentStatus, initialNeedState, isOverdue, lackingQuantity, LineItemInput, lineItemStatus, NeedCommand, needDecider, needStatus } from './need.decider';
import { NeedEvent } from './need.events';
import {
  accepted,
  AT,
  bureau,
  BURSARY,
  CHARITY,
  CHARITY_ACCEPTED,
  closed,
  commitmentOf,
  commitmentWithdrawn,
  confirmed,
  coordinator,
  ctx,
  declined,
  drafted,
  draftNeed,
  EARLIER,
  EDU,
  ENERGY,
  expired,
  FEDERATION,
  FIELDS,
  fulfilled,
  L,
  LAMPS,
  NEED_ID,
  needWithdrawn,
  offer,
  offered,
  OPEN,
  published,
  recordDelivery,
  recorded,
  revised,
  staff,
  stateOf,
  TODAY,
  TRAINING,
  VILLAGE,
} from './testing/need.decider.fixtures';

// Derived figures of the need state (need.state.ts) and the fold (need.evolve.ts). Fixtures: testing/need.decider.fixtures.ts.

describe('needStatus', () => {
  it('walks draft → published → partially_committed → fully_committed → delivered → fulfilled → closed', () => {
    const history: NeedEvent[] = [];
    const step = (command: NeedCommand, actor: Actor) => {
      const events = given(needDecider, history).when(command, ctx(actor)).then([expect.anything()] as NeedEvent[]);
      history.push(...events);
      return needStatus(stateOf(history));
    };
    const fundsOnly: LineItemInput[] = [{ kind: 'funds', description: '瑶族学生助学金', quantity: 3_000_000 }];

    expect(needStatus(initialNeedState)).toBe('draft');
    expect(step(draftNeed({ lineItems: fundsOnly }), coordinator)).toBe('draft');
    expect(step({ type: 'PublishNeed' }, coordinator)).toBe('published');
    expect(step(offer(CHARITY, [L('L1', 1_000_000)], { commitmentId: 'c1' }), staff(CHARITY))).toBe('published');
    expect(step({ type: 'AcceptCommitment', commitmentId: 'c1' }, coordinator)).toBe('partially_committed');
    expect(step(offer(EDU, [L('L1', 2_000_000)], { commitmentId: 'c2' }), staff(EDU))).toBe('partially_committed');
    expect(step({ type: 'AcceptCommitment', commitmentId: 'c2' }, coordinator)).toBe('fully_committed');
    expect(step(recordDelivery([L('L1', 1_000_000)], { commitmentId: 'c1' }), staff(CHARITY))).toBe('fully_committed');
    expect(step({ type: 'ConfirmDelivery', commitmentId: 'c1', deliveryId: 'd1', note: '' }, coordinator)).toBe('fully_committed');
    expect(step(recordDelivery([L('L1', 2_000_000)], { commitmentId: 'c2' }), staff(EDU))).toBe('fully_committed');
    expect(step({ type: 'ConfirmDelivery', commitmentId: 'c2', deliveryId: 'd1', note: '' }, coordinator)).toBe('delivered');
    expect(step({ type: 'FulfilNeed', note: '60 名学生已领取' }, coordinator)).toBe('fulfilled');
    expect(step({ type: 'CloseNeed', note: '已公示' }, bureau)).toBe('closed');

    const state = stateOf(history);
    expect(state).toMatchObject({ exists: true, id: NEED_ID, villageCode: VILLAGE, draftedAt: AT, publishedAt: AT, firstAcceptedAt: AT, fulfilledAt: AT, closedAt: AT });
  });

  it('is partially committed while any line item is uncommitted, and falls back when a commitment is withdrawn', () => {
    const full = [...OPEN, offered('c1', CHARITY, [L('L1', 3_000_000), L('L2', 40)]), accepted('c1')];
    expect(needStatus(stateOf(full))).toBe('partially_committed');
    expect(needStatus(stateOf([...full, offered('c2', EDU, [L('L3', 2)]), accepted('c2')]))).toBe('fully_committed');
    expect(needStatus(stateOf([...full, commitmentWithdrawn('c1')]))).toBe('published');
  });

  it('reports withdrawn and expired needs', () => {
    expect(needStatus(stateOf([...CHARITY_ACCEPTED, needWithdrawn()]))).toBe('withdrawn');
    const state = stateOf([drafted({ dueDate: '2026-02-25' }), published(), expired()]);
    expect(needStatus(state)).toBe('expired');
    expect(state.endedAt).toBe(EARLIER);
    expect(stateOf([...OPEN, needWithdrawn()])).toMatchObject({ endedAt: EARLIER, endReason: '村委会另有安排' });
  });
});

describe('lineItemStatus', () => {
  it('goes uncommitted → partially_committed → fully_committed → delivered → fulfilled', () => {
    const events = [...OPEN, offered('c1', ENERGY, [L('L2', 25)])];
    expect(lineItemStatus(stateOf(events), LAMPS)).toBe('uncommitted'); // a pending offer does not count
    events.push(accepted('c1'));
    expect(lineItemStatus(stateOf(events), LAMPS)).toBe('partially_committed');
    events.push(offered('c2', FEDERATION, [L('L2', 15)]), accepted('c2'));
    expect(lineItemStatus(stateOf(events), LAMPS)).toBe('fully_committed');
    events.push(recorded('c1', 'd1', [L('L2', 25)]), recorded('c2', 'd1', [L('L2', 15)]), confirmed('c1', 'd1'));
    expect(lineItemStatus(stateOf(events), LAMPS)).toBe('fully_committed'); // d1 of c2 not yet confirmed
    events.push(confirmed('c2', 'd1'));
    expect(lineItemStatus(stateOf(events), LAMPS)).toBe('delivered');
    expect(lineItemStatus(stateOf(events), BURSARY)).toBe('uncommitted');
    events.push(fulfilled());
    expect(lineItemStatus(stateOf(events), BURSARY)).toBe('fulfilled');
    events.push(closed());
    expect(lineItemStatus(stateOf(events), LAMPS)).toBe('fulfilled');
  });
});

describe('commitmentStatus', () => {
  const TWO_ITEMS = [...OPEN, offered('c1', CHARITY, [L('L1', 1_000_000), L('L3', 2)]), accepted('c1')];

  it('follows offered, accepted, declined and withdrawn', () => {
    expect(commitmentStatus(commitmentOf([...OPEN, offered('c1', CHARITY, [L('L1', 100)])]))).toBe('offered');
    expect(commitmentStatus(commitmentOf(TWO_ITEMS))).toBe('accepted');
    expect(commitmentStatus(commitmentOf([...OPEN, offered('c1', CHARITY, [L('L1', 100)]), declined('c1')]))).toBe('declined');
    expect(commitmentStatus(commitmentOf([...TWO_ITEMS, commitmentWithdrawn('c1')]))).toBe('withdrawn');
  });

  it('is delivered only once every item is delivered and every delivery confirmed', () => {
    const events = [...TWO_ITEMS, recorded('c1', 'd1', [L('L1', 1_000_000)]), confirmed('c1', 'd1')];
    expect(commitmentStatus(commitmentOf(events))).toBe('accepted'); // L3 still to deliver
    events.push(recorded('c1', 'd2', [L('L3', 2)]));
    expect(commitmentStatus(commitmentOf(events))).toBe('accepted'); // d2 not confirmed
    events.push(confirmed('c1', 'd2'));
    expect(commitmentStatus(commitmentOf(events))).toBe('delivered');
  });

  it('records the acceptance and closing times', () => {
    expect(commitmentOf(TWO_ITEMS)).toMatchObject({ status: 'accepted', acceptedAt: EARLIER, closedAt: null });
    expect(commitmentOf([...TWO_ITEMS, commitmentWithdrawn('c1')])).toMatchObject({ closedAt: EARLIER, closeReason: '预算调整' });
  });
});

describe('isOverdue', () => {
  const promised = (promisedBy: string, ...more: NeedEvent[]) => commitmentOf([...OPEN, offered('c1', CHARITY, [L('L1', 1_000_000)], promisedBy), ...more]);

  it('is an accepted commitment past its promised date', () => {
    expect(isOverdue(promised('2026-02-28', accepted('c1')), TODAY)).toBe(true);
  });

  it('is not overdue on the promised date itself, nor before', () => {
    expect(isOverdue(promised(TODAY, accepted('c1')), TODAY)).toBe(false);
    expect(isOverdue(promised('2026-04-15', accepted('c1')), TODAY)).toBe(false);
  });

  it('is not overdue while only offered, once declined, or once delivered', () => {
    expect(isOverdue(promised('2026-02-28'), TODAY)).toBe(false);
    expect(isOverdue(promised('2026-02-28', declined('c1')), TODAY)).toBe(false);
    expect(isOverdue(promised('2026-02-28', accepted('c1'), recorded('c1', 'd1', [L('L1', 1_000_000)]), confirmed('c1', 'd1')), TODAY)).toBe(false);
  });

  it('stays overdue while a late delivery is recorded but not confirmed', () => {
    expect(isOverdue(promised('2026-02-28', accepted('c1'), recorded('c1', 'd1', [L('L1', 1_000_000)])), TODAY)).toBe(true);
  });
});

describe('lackingQuantity', () => {
  it('is the line item less accepted commitments; pending, declined and withdrawn ones do not count', () => {
    const events = [
      ...OPEN,
      offered('c1', ENERGY, [L('L2', 25)]),
      accepted('c1'),
      offered('c2', FEDERATION, [L('L2', 10)]),
      offered('c3', CHARITY, [L('L2', 5)]),
      declined('c3'),
      offered('c4', EDU, [L('L2', 3)]),
      accepted('c4'),
      commitmentWithdrawn('c4'),
    ];
    const state = stateOf(events);
    expect(lackingQuantity(state, LAMPS)).toBe(15);
    expect(lackingQuantity(state, BURSARY)).toBe(3_000_000);
  });

  it('follows a revised quantity and never goes below zero', () => {
    const events = [...CHARITY_ACCEPTED, revised({ lineItems: [{ ...BURSARY, quantity: 1_500_000 }, LAMPS, TRAINING] })];
    expect(lackingQuantity(stateOf(events), { ...BURSARY, quantity: 1_500_000 })).toBe(500_000);
    // Revisions never go below what is accepted, but the figure is clamped all the same.
    expect(lackingQuantity(stateOf(CHARITY_ACCEPTED), { ...BURSARY, quantity: 600_000 })).toBe(0);
  });
});

describe('evolve', () => {
  it('keeps the first acceptance time', () => {
    const later = '2026-02-25T09:00:00.000Z';
    const events: NeedEvent[] = [...CHARITY_ACCEPTED, offered('c2', EDU, [L('L1', 100)]), { type: 'CommitmentAccepted', data: { needId: NEED_ID, commitmentId: 'c2', automatic: false, acceptedAt: later } }];
    expect(stateOf(events).firstAcceptedAt).toBe(EARLIER);
  });

  it('replaces the fields on revision', () => {
    const state = stateOf([drafted(), revised({ title: '南岗村助学（修订）', lineItems: [BURSARY] })]);
    expect(state.fields).toEqual({ ...FIELDS, title: '南岗村助学（修订）', lineItems: [BURSARY] });
  });
});
