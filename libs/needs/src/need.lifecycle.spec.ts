import { DomainError } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { NeedCommand, needDecider } from './need.decider';
import { NeedEvent } from './need.events';
import {
  accepted,
  AT,
  auditor,
  bureau,
  CHARITY,
  CHARITY_ACCEPTED,
  closed,
  coordinator,
  ctx,
  DELIVERED,
  drafted,
  draftNeed,
  ENERGY,
  FEDERATION,
  FIELDS,
  fulfilled,
  L,
  NEED_ID,
  needWithdrawn,
  offered,
  OPEN,
  published,
  recorded,
  staff,
  system,
  TODAY,
  VILLAGE,
} from './testing/need.decider.fixtures';

// The needs decider, need by need: drafting, publishing, withdrawing, expiring, fulfilling and closing
// (need.decide-lifecycle.ts; revisions are in need.revise.spec.ts). Fixtures: testing/need.decider.fixtures.ts.

// ---------------------------------------------------------------------------------------------
// DraftNeed
// ---------------------------------------------------------------------------------------------

describe('DraftNeed', () => {
  it('drafts a need, numbering line items L1, L2, L3, filling in units and trimming text', () => {
    given(needDecider, [])
      .when(draftNeed(), ctx(coordinator))
      .then([{ type: 'NeedDrafted', data: { needId: NEED_ID, villageCode: VILLAGE, ...FIELDS, draftedAt: AT } }]);
  });

  it('drafts and publishes at once when asked to', () => {
    given(needDecider, [])
      .when(draftNeed({ publish: true }), ctx(coordinator))
      .then([
        { type: 'NeedDrafted', data: { needId: NEED_ID, villageCode: VILLAGE, ...FIELDS, draftedAt: AT } },
        { type: 'NeedPublished', data: { needId: NEED_ID, publishedAt: AT } },
      ]);
  });

  it('keeps given line-item ids and numbers the others after the highest', () => {
    const [event] = given(needDecider, [])
      .when(
        draftNeed({
          lineItems: [
            { id: 'L5', kind: 'facility', description: '村文化室', quantity: 1 },
            { kind: 'service_hours', description: '义诊志愿服务', quantity: 120 },
            { kind: 'job_posts', description: '茶园采摘岗位', quantity: 15 },
          ],
        }),
        ctx(coordinator),
      )
      .then([expect.objectContaining({ type: 'NeedDrafted' }) as NeedEvent]);
    expect(event.type === 'NeedDrafted' && event.data.lineItems.map((li) => [li.id, li.unit])).toEqual([
      ['L5', '处'],
      ['L6', '小时'],
      ['L7', '个'],
    ]);
  });

  it('always counts funds in fen, whatever unit is given', () => {
    const [event] = given(needDecider, [])
      .when(draftNeed({ lineItems: [{ kind: 'funds', description: '助学金', unit: '元', quantity: 500_000 }] }), ctx(coordinator))
      .then([expect.anything() as NeedEvent]);
    expect(event.type === 'NeedDrafted' && event.data.lineItems[0]).toEqual({ id: 'L1', kind: 'funds', description: '助学金', unit: '分', quantity: 500_000 });
  });

  it.each([['organization', staff(CHARITY)], ['hub', staff(FEDERATION, 'hub')], ['bureau', bureau], ['auditor', auditor], ['system', system]])(
    'is forbidden to %s',
    (_, actor) => {
      given(needDecider, []).when(draftNeed(), ctx(actor)).thenThrows('forbidden', /may not .*post needs/);
    },
  );

  it('rejects a need id that already exists', () => {
    given(needDecider, [drafted()]).when(draftNeed(), ctx(coordinator)).thenThrows('conflict', 'already exists');
  });

  it.each<[string, Partial<Extract<NeedCommand, { type: 'DraftNeed' }>>, string | RegExp]>([
    ['a blank title', { title: '   ' }, 'title is required'],
    ['no line items', { lineItems: [] }, 'at least one line item'],
    ['a malformed due date', { dueDate: '2026/06/30' }, 'dueDate must be a date'],
    ['an impossible due date', { dueDate: '2026-02-30' }, 'dueDate must be a date'],
    ['a zero quantity', { lineItems: [{ kind: 'goods', description: '课桌椅', unit: '套', quantity: 0 }] }, /positive integer.*课桌椅/],
    ['a fractional quantity', { lineItems: [{ kind: 'funds', description: '助学金', quantity: 1000.5 }] }, 'positive integer'],
    ['a negative estimated value', { lineItems: [{ kind: 'goods', description: '课桌椅', unit: '套', quantity: 100, estimatedValueFen: -1 }] }, 'estimatedValueFen'],
    ['a fractional estimated value', { lineItems: [{ kind: 'goods', description: '课桌椅', unit: '套', quantity: 100, estimatedValueFen: 99.9 }] }, 'estimatedValueFen'],
    [
      'a line-item id given twice',
      {
        lineItems: [
          { id: 'L1', kind: 'funds', description: '助学金', quantity: 100 },
          { id: 'L1', kind: 'facility', description: '村文化室', quantity: 1 },
        ],
      },
      'L1 appears twice',
    ],
    ['goods without a unit', { lineItems: [{ kind: 'goods', description: '冬季棉被', unit: '  ', quantity: 200 }] }, /goods need a unit.*冬季棉被/],
  ])('rejects %s as invalid', (_, overrides, message) => {
    given(needDecider, []).when(draftNeed(overrides), ctx(coordinator)).thenThrows('invalid', message);
  });

  it('drafts a need whose due date has passed, but will not publish it at once', () => {
    given(needDecider, [])
      .when(draftNeed({ dueDate: '2026-02-28' }), ctx(coordinator))
      .then([expect.objectContaining({ type: 'NeedDrafted' }) as NeedEvent]);
    given(needDecider, []).when(draftNeed({ dueDate: '2026-02-28', publish: true }), ctx(coordinator)).thenThrows('invalid', 'due date has passed');
  });

  it('reads "today" in China: at 01:00 on 1 March there (17:00 UTC the day before), 28 February has passed', () => {
    const chinaOneAm = new Date('2026-02-28T17:00:00Z');
    given(needDecider, []).when(draftNeed({ dueDate: '2026-02-28', publish: true }), ctx(coordinator, chinaOneAm)).thenThrows('invalid', 'due date has passed');
    given(needDecider, [])
      .when(draftNeed({ dueDate: '2026-02-28', publish: true }), ctx(coordinator, new Date('2026-02-28T15:59:00Z')))
      .then([expect.objectContaining({ type: 'NeedDrafted' }) as NeedEvent, expect.objectContaining({ type: 'NeedPublished' }) as NeedEvent]);
  });
});

// ---------------------------------------------------------------------------------------------
// PublishNeed
// ---------------------------------------------------------------------------------------------

describe('PublishNeed', () => {
  it('publishes a draft', () => {
    given(needDecider, [drafted()])
      .when({ type: 'PublishNeed' }, ctx(coordinator))
      .then([{ type: 'NeedPublished', data: { needId: NEED_ID, publishedAt: AT } }]);
  });

  it('publishes a draft due today', () => {
    given(needDecider, [drafted({ dueDate: TODAY })])
      .when({ type: 'PublishNeed' }, ctx(coordinator))
      .then([{ type: 'NeedPublished', data: { needId: NEED_ID, publishedAt: AT } }]);
  });

  it('is forbidden to bureau staff', () => {
    given(needDecider, [drafted()]).when({ type: 'PublishNeed' }, ctx(bureau)).thenThrows('forbidden', /may not .*publish needs/);
  });

  it('reports a missing need', () => {
    given(needDecider, []).when({ type: 'PublishNeed' }, ctx(coordinator)).thenThrows('not-found', 'need not found');
  });

  it('publishes only drafts', () => {
    given(needDecider, OPEN).when({ type: 'PublishNeed' }, ctx(coordinator)).thenThrows('conflict', /published.*only a draft/);
    given(needDecider, [drafted(), published(), needWithdrawn()]).when({ type: 'PublishNeed' }, ctx(coordinator)).thenThrows('conflict', 'withdrawn');
  });

  it('refuses a draft whose due date has passed', () => {
    given(needDecider, [drafted({ dueDate: '2026-02-28' })])
      .when({ type: 'PublishNeed' }, ctx(coordinator))
      .thenThrows('invalid', 'due date has passed');
  });
});

// ---------------------------------------------------------------------------------------------
// WithdrawNeed
// ---------------------------------------------------------------------------------------------

describe('WithdrawNeed', () => {
  const withdraw: NeedCommand = { type: 'WithdrawNeed', reason: '县财政已统筹解决' };

  it('withdraws a need, even one with accepted commitments not yet delivered', () => {
    given(needDecider, CHARITY_ACCEPTED)
      .when(withdraw, ctx(coordinator))
      .then([{ type: 'NeedWithdrawn', data: { needId: NEED_ID, reason: '县财政已统筹解决', withdrawnAt: AT } }]);
  });

  it('withdraws a draft', () => {
    given(needDecider, [drafted()]).when(withdraw, ctx(coordinator)).then([expect.objectContaining({ type: 'NeedWithdrawn' }) as NeedEvent]);
  });

  it('is forbidden to bureau staff', () => {
    given(needDecider, OPEN).when(withdraw, ctx(bureau)).thenThrows('forbidden', /may not .*withdraw needs/);
  });

  it('reports a missing need', () => {
    given(needDecider, []).when(withdraw, ctx(coordinator)).thenThrows('not-found');
  });

  it('cannot withdraw an ended need', () => {
    given(needDecider, [...OPEN, needWithdrawn()]).when(withdraw, ctx(coordinator)).thenThrows('conflict', 'the need has ended');
  });

  it('needs a reason', () => {
    given(needDecider, OPEN).when({ type: 'WithdrawNeed', reason: '' }, ctx(coordinator)).thenThrows('invalid', 'reason is required');
  });

  it('cannot withdraw once deliveries are recorded', () => {
    given(needDecider, [...CHARITY_ACCEPTED, recorded('c1', 'd1', [L('L1', 500_000)])])
      .when(withdraw, ctx(coordinator))
      .thenThrows('conflict', 'fulfil the need instead');
  });
});

// ---------------------------------------------------------------------------------------------
// ExpireNeed
// ---------------------------------------------------------------------------------------------

describe('ExpireNeed', () => {
  const PAST_DUE = [drafted({ dueDate: '2026-02-28' }), published()];

  it.each([['the system', system], ['the coordinator', coordinator]])('lets %s expire a published need past its due date', (_, actor) => {
    given(needDecider, PAST_DUE)
      .when({ type: 'ExpireNeed' }, ctx(actor))
      .then([{ type: 'NeedExpired', data: { needId: NEED_ID, expiredAt: AT } }]);
  });

  it('expires a need whose only offers were never accepted', () => {
    given(needDecider, [...PAST_DUE, offered('c1', CHARITY, [L('L1', 100_000)], '2026-03-10')])
      .when({ type: 'ExpireNeed' }, ctx(system))
      .then([expect.objectContaining({ type: 'NeedExpired' }) as NeedEvent]);
  });

  it('is forbidden to organizations', () => {
    given(needDecider, PAST_DUE).when({ type: 'ExpireNeed' }, ctx(staff(CHARITY))).thenThrows('forbidden', /may not .*expire needs/);
  });

  it('reports a missing need', () => {
    given(needDecider, []).when({ type: 'ExpireNeed' }, ctx(system)).thenThrows('not-found');
  });

  it('does not expire a need with accepted commitments', () => {
    given(needDecider, [...PAST_DUE, offered('c1', CHARITY, [L('L1', 100_000)], '2026-03-10'), accepted('c1')])
      .when({ type: 'ExpireNeed' }, ctx(system))
      .thenThrows('conflict', 'without accepted commitments');
  });

  it('does not expire a draft', () => {
    given(needDecider, [drafted({ dueDate: '2026-02-28' })]).when({ type: 'ExpireNeed' }, ctx(system)).thenThrows('conflict', 'only a published need');
  });

  it.each([
    ['before its due date', '2026-06-30'],
    ['on its due date', TODAY],
    ['without a due date', null],
  ])('does not expire a need %s', (_, dueDate) => {
    given(needDecider, [drafted({ dueDate }), published()])
      .when({ type: 'ExpireNeed' }, ctx(system))
      .thenThrows('conflict', 'not past its due date');
  });
});

// ---------------------------------------------------------------------------------------------
// FulfilNeed and CloseNeed
// ---------------------------------------------------------------------------------------------


describe('FulfilNeed', () => {
  const fulfil: NeedCommand = { type: 'FulfilNeed', note: '助学金已发放到 60 名学生' };

  it('fulfils a need once every recorded delivery is confirmed', () => {
    given(needDecider, DELIVERED)
      .when(fulfil, ctx(coordinator))
      .then([{ type: 'NeedFulfilled', data: { needId: NEED_ID, note: '助学金已发放到 60 名学生', fulfilledAt: AT } }]);
  });

  it('is forbidden to organizations', () => {
    given(needDecider, DELIVERED).when(fulfil, ctx(staff(CHARITY))).thenThrows('forbidden', /may not .*confirm fulfilment/);
  });

  it('reports a missing need', () => {
    given(needDecider, []).when(fulfil, ctx(coordinator)).thenThrows('not-found');
  });

  it('fulfils only an open need', () => {
    given(needDecider, [drafted()]).when(fulfil, ctx(coordinator)).thenThrows('conflict', /draft.*only an open need/);
    given(needDecider, [...DELIVERED, fulfilled()]).when(fulfil, ctx(coordinator)).thenThrows('conflict', 'only an open need');
  });

  it('needs a confirmed delivery', () => {
    given(needDecider, CHARITY_ACCEPTED).when(fulfil, ctx(coordinator)).thenThrows('conflict', 'no delivery has been confirmed');
  });

  it('waits until no delivery awaits confirmation', () => {
    given(needDecider, [...DELIVERED, offered('c2', ENERGY, [L('L2', 40)]), accepted('c2'), recorded('c2', 'd1', [L('L2', 40)])])
      .when(fulfil, ctx(coordinator))
      .thenThrows('conflict', 'some deliveries still await confirmation');
  });
});

describe('CloseNeed', () => {
  const close: NeedCommand = { type: 'CloseNeed', note: '捐赠使用情况已公示' };

  it.each([['the coordinator', coordinator], ['bureau staff', bureau]])('lets %s close a fulfilled need', (_, actor) => {
    given(needDecider, [...DELIVERED, fulfilled()])
      .when(close, ctx(actor))
      .then([{ type: 'NeedClosed', data: { needId: NEED_ID, note: '捐赠使用情况已公示', closedAt: AT } }]);
  });

  it('is forbidden to auditors', () => {
    given(needDecider, [...DELIVERED, fulfilled()]).when(close, ctx(auditor)).thenThrows('forbidden', /may not .*close needs/);
  });

  it('reports a missing need', () => {
    given(needDecider, []).when(close, ctx(coordinator)).thenThrows('not-found');
  });

  it.each([
    ['delivered but not fulfilled', DELIVERED],
    ['withdrawn', [...OPEN, needWithdrawn()]],
    ['already closed', [...DELIVERED, fulfilled(), closed()]],
  ])('closes only a fulfilled need, not one %s', (_, events) => {
    given(needDecider, events).when(close, ctx(coordinator)).thenThrows('conflict', 'only a fulfilled need can be closed');
  });
});

describe('given/when/then helper', () => {
  it('fails a then() when the decider rejects, and a thenThrows() when it decides', () => {
    expect(() => given(needDecider, []).when({ type: 'PublishNeed' }, ctx(coordinator)).then([])).toThrow(/threw DomainError\(not-found\)/);
    expect(() => given(needDecider, [drafted()]).when({ type: 'PublishNeed' }, ctx(coordinator)).thenThrows('conflict')).toThrow(/NeedPublished/);
    expect(() => given(needDecider, []).when({ type: 'PublishNeed' }, ctx(coordinator)).thenThrows('forbidden')).toThrow();
    expect(() => given(needDecider, []).when({ type: 'PublishNeed' }, ctx(coordinator)).thenThrows('not-found', 'nonsense')).toThrow();
    expect(given(needDecider, []).when({ type: 'PublishNeed' }, ctx(coordinator)).thenThrows('not-found')).toBeInstanceOf(DomainError);
  });
});
