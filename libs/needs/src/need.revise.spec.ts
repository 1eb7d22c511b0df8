import { given } from '@shecun/core/testing';
import { lineItemStatus, needDecider } from './need.decider';
import { NeedEvent } from './need.events';
import {
  accepted,
  AT,
  BURSARY,
  CHARITY,
  CHARITY_ACCEPTED,
  closed,
  commitmentWithdrawn,
  confirmed,
  coordinator,
  ctx,
  declined,
  drafted,
  ENERGY,
  expired,
  FEDERATION,
  FIELDS,
  fulfilled,
  L,
  LAMPS,
  NEED_ID,
  needWithdrawn,
  offered,
  OPEN,
  published,
  recorded,
  reviseNeed,
  staff,
  stateOf,
  TRAINING,
} from './testing/need.decider.fixtures';

// The needs decider: ReviseNeed (need.decide-lifecycle.ts). Fixtures: testing/need.decider.fixtures.ts.

// ---------------------------------------------------------------------------------------------
// ReviseNeed
// ---------------------------------------------------------------------------------------------

describe('ReviseNeed', () => {
  it('revises a draft', () => {
    given(needDecider, [drafted()])
      .when(reviseNeed({ title: '南岗村助学', dueDate: null, autoAccept: true }), ctx(coordinator))
      .then([
        {
          type: 'NeedRevised',
          data: { needId: NEED_ID, ...FIELDS, title: '南岗村助学', dueDate: null, autoAccept: true, reason: '学生人数增加', revisedAt: AT },
        },
      ]);
  });

  it('changes only the fields sent: the others are taken from the need as it stands', () => {
    given(needDecider, [drafted()])
      .when({ type: 'ReviseNeed', reason: '只改标题', title: ' 南岗村助学 ' }, ctx(coordinator))
      .then([{ type: 'NeedRevised', data: { needId: NEED_ID, ...FIELDS, title: '南岗村助学', reason: '只改标题', revisedAt: AT } }]);
  });

  it('clears the due date when sent as null, and keeps it when left out', () => {
    given(needDecider, [drafted()])
      .when({ type: 'ReviseNeed', reason: '不限日期', dueDate: null }, ctx(coordinator))
      .then([{ type: 'NeedRevised', data: { needId: NEED_ID, ...FIELDS, dueDate: null, reason: '不限日期', revisedAt: AT } }]);
  });

  it('keeps line-item ids, drops removed ones and numbers new ones after the highest existing', () => {
    const desks = { kind: 'goods' as const, description: '学生课桌椅', unit: '套', quantity: 60, estimatedValueFen: 1_800_000 };
    // L2 is dropped, L3 kept: the new line item is L4, not a reused L2.
    given(needDecider, OPEN)
      .when(reviseNeed({ lineItems: [{ ...BURSARY, quantity: 4_000_000 }, TRAINING, desks] }), ctx(coordinator))
      .then([
        {
          type: 'NeedRevised',
          data: {
            needId: NEED_ID,
            ...FIELDS,
            lineItems: [{ ...BURSARY, quantity: 4_000_000 }, TRAINING, { ...desks, id: 'L4' }],
            reason: '学生人数增加',
            revisedAt: AT,
          },
        },
      ]);
  });

  it('numbers new line items after a higher id given in the same revision', () => {
    const [event] = given(needDecider, OPEN)
      .when(
        reviseNeed({
          lineItems: [BURSARY, { id: 'L9', kind: 'facility', description: '村道护栏', quantity: 1 }, { kind: 'facility', description: '村文化室', quantity: 1 }],
        }),
        ctx(coordinator),
      )
      .then([expect.anything() as NeedEvent]);
    expect(event.type === 'NeedRevised' && event.data.lineItems.map((li) => li.id)).toEqual(['L1', 'L9', 'L10']);
  });

  it('may remove a line item whose commitments were all declined or withdrawn', () => {
    given(needDecider, [...OPEN, offered('c1', ENERGY, [L('L2', 40)]), declined('c1'), offered('c2', FEDERATION, [L('L2', 10)]), accepted('c2'), commitmentWithdrawn('c2')])
      .when(reviseNeed({ lineItems: [BURSARY, TRAINING] }), ctx(coordinator))
      .then([expect.objectContaining({ type: 'NeedRevised' }) as NeedEvent]);
  });

  it('may lower a quantity down to exactly what is accepted', () => {
    const events = [...CHARITY_ACCEPTED];
    const [event] = given(needDecider, events)
      .when(reviseNeed({ lineItems: [{ ...BURSARY, quantity: 1_000_000 }, LAMPS, TRAINING] }), ctx(coordinator))
      .then([expect.anything() as NeedEvent]);
    expect(lineItemStatus(stateOf([...events, event]), { ...BURSARY, quantity: 1_000_000 })).toBe('fully_committed');
  });

  it('is forbidden to organizations', () => {
    given(needDecider, OPEN).when(reviseNeed(), ctx(staff(CHARITY))).thenThrows('forbidden', /may not .*revise needs/);
  });

  it('never hands a new line item the id of a removed one that commitments refer to', () => {
    const history = [...OPEN, offered('c1', ENERGY, [L('L3', 1)]), declined('c1')];
    const [event] = given(needDecider, history)
      .when(reviseNeed({ lineItems: [BURSARY, LAMPS, { kind: 'service_hours', description: '义诊', quantity: 10 }] }), ctx(coordinator))
      .then([expect.anything() as NeedEvent]);
    expect(event.type === 'NeedRevised' && event.data.lineItems.map((li) => li.id)).toEqual(['L1', 'L2', 'L4']);
  });

  it('rejects a due date in the past on a published need', () => {
    given(needDecider, OPEN).when(reviseNeed({ dueDate: '2026-02-01' }), ctx(coordinator)).thenThrows('invalid', 'due date in the past');
  });

  it('rejects changing the unit of a line item with commitments', () => {
    given(needDecider, [...OPEN, offered('c1', ENERGY, [L('L2', 10)])])
      .when(reviseNeed({ lineItems: [BURSARY, { ...LAMPS, unit: '套' }, TRAINING] }), ctx(coordinator))
      .thenThrows('conflict', 'cannot change the kind or unit');
  });

  it('words a role rejection once in each language', () => {
    const error = given(needDecider, OPEN).when(reviseNeed(), ctx(staff(CHARITY))).thenThrows('forbidden');
    expect(error.message).toBe('角色 organization 不能修改需求 (role organization may not revise needs)');
  });


  it('reports a missing need', () => {
    given(needDecider, []).when(reviseNeed(), ctx(coordinator)).thenThrows('not-found');
  });

  it.each([
    ['withdrawn', [...OPEN, needWithdrawn()]],
    ['expired', [drafted({ dueDate: '2026-02-25' }), published(), expired()]],
    ['fulfilled', [...CHARITY_ACCEPTED, recorded('c1', 'd1', [L('L1', 1_000_000)]), confirmed('c1', 'd1'), fulfilled()]],
    ['closed', [...CHARITY_ACCEPTED, recorded('c1', 'd1', [L('L1', 1_000_000)]), confirmed('c1', 'd1'), fulfilled(), closed()]],
  ])('cannot revise a %s need', (status, events) => {
    given(needDecider, events).when(reviseNeed(), ctx(coordinator)).thenThrows('conflict', `需求已${status}`);
  });

  it('needs a reason', () => {
    given(needDecider, OPEN).when(reviseNeed({ reason: ' ' }), ctx(coordinator)).thenThrows('invalid', 'reason is required');
  });

  it('checks the revised fields like a draft', () => {
    given(needDecider, OPEN).when(reviseNeed({ lineItems: [] }), ctx(coordinator)).thenThrows('invalid', 'at least one line item');
    given(needDecider, OPEN)
      .when(reviseNeed({ lineItems: [{ kind: 'goods', description: '课桌椅', quantity: 60 }] }), ctx(coordinator))
      .thenThrows('invalid', 'goods need a unit');
  });

  it('cannot remove a line item with an accepted commitment', () => {
    given(needDecider, CHARITY_ACCEPTED)
      .when(reviseNeed({ lineItems: [LAMPS, TRAINING] }), ctx(coordinator))
      .thenThrows('conflict', 'line item L1 has open commitments');
  });

  it('cannot remove a line item with an offer awaiting the coordinator', () => {
    given(needDecider, [...OPEN, offered('c1', ENERGY, [L('L2', 20)])])
      .when(reviseNeed({ lineItems: [BURSARY, TRAINING] }), ctx(coordinator))
      .thenThrows('conflict', 'line item L2 has open commitments');
  });

  it('cannot lower a quantity below what is accepted', () => {
    given(needDecider, CHARITY_ACCEPTED)
      .when(reviseNeed({ lineItems: [{ ...BURSARY, quantity: 999_999 }, LAMPS, TRAINING] }), ctx(coordinator))
      .thenThrows('conflict', /L1 数量不能少于已接单的 1000000.*below the accepted quantity/);
  });

  it('cannot change the kind of a line item with commitments', () => {
    given(needDecider, [...OPEN, offered('c1', ENERGY, [L('L2', 20)])])
      .when(reviseNeed({ lineItems: [BURSARY, { ...LAMPS, kind: 'facility' }, TRAINING] }), ctx(coordinator))
      .thenThrows('conflict', 'cannot change the kind');
  });
});
