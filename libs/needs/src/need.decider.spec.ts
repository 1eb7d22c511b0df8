import { Actor, DecisionContext, DomainError } from '@shecun/core';
import { given } from '@shecun/core/testing';
import {
  commitmentStatus,
  CommitmentState,
  initialNeedState,
  isOverdue,
  lackingQuantity,
  LineItemInput,
  lineItemStatus,
  NeedCommand,
  needDecider,
  NeedState,
  needStatus,
} from './need.decider';
import { NeedEvent, NeedFields } from './need.events';
import { ItemQuantity, LineItem } from './need.model';

// ---------------------------------------------------------------------------------------------
// Fixtures: 连南瑶族自治县三排镇南岗村 asks for bursaries, solar street lamps and e-commerce training.
// ---------------------------------------------------------------------------------------------

const NOW = new Date('2026-03-01T08:00:00Z');
const AT = NOW.toISOString();
const TODAY = '2026-03-01';
/** Timestamps of the given history: a few days before the decision. */
const EARLIER = '2026-02-20T02:30:00.000Z';

const NEED_ID = 'n-441826105201-0001';
const VILLAGE = '441826105201';

const coordinator: Actor = { id: 'coord-sanpai-nangang', role: 'coordinator', scope: '441826105' };
const bureau: Actor = { id: 'bureau-qy-01', role: 'bureau', scope: '4418' };
const auditor: Actor = { id: 'audit-gd-01', role: 'auditor', scope: '44' };
const system: Actor = { id: 'system', role: 'system' };

interface Org {
  id: string;
  name: string;
}
const CHARITY: Org = { id: 'org-gz-charity', name: '广州市慈善会' };
const EDU: Org = { id: 'org-gz-edu', name: '广州市教育基金会' };
const ENERGY: Org = { id: 'org-gz-newenergy', name: '广州市新能源行业协会' };
const FEDERATION: Org = { id: 'org-gz-federation', name: '广州市社会组织联合会' };

const staff = (org: Org, role: 'organization' | 'hub' = 'organization'): Actor => ({ id: `staff-${org.id}`, role, organizationId: org.id });
const ctx = (actor: Actor, now: Date = NOW): DecisionContext => ({ actor, now });

/** ¥30,000 of bursaries in fen, 40 solar street lamps, 2 training sessions. */
const BURSARY: LineItem = { id: 'L1', kind: 'funds', description: '瑶族学生助学金', unit: '分', quantity: 3_000_000 };
const LAMPS: LineItem = { id: 'L2', kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 40, estimatedValueFen: 4_800_000 };
const TRAINING: LineItem = { id: 'L3', kind: 'training', description: '农产品电商直播培训', unit: '期', quantity: 2, participants: 30 };

const FIELDS: NeedFields = {
  title: '南岗村瑶族学生助学与村道照明',
  description: '三排镇南岗村有 60 名在读瑶族学生，村道夜间无照明；另需电商直播培训帮助销售高山茶叶。',
  category: 'education',
  lineItems: [BURSARY, LAMPS, TRAINING],
  dueDate: '2026-06-30',
  autoAccept: false,
};

// --- given events ------------------------------------------------------------------------------

const drafted = (fields: Partial<NeedFields> = {}): NeedEvent => ({
  type: 'NeedDrafted',
  data: { needId: NEED_ID, villageCode: VILLAGE, ...FIELDS, ...fields, draftedAt: EARLIER },
});
const published = (): NeedEvent => ({ type: 'NeedPublished', data: { needId: NEED_ID, publishedAt: EARLIER } });
const revised = (fields: Partial<NeedFields>): NeedEvent => ({
  type: 'NeedRevised',
  data: { needId: NEED_ID, ...FIELDS, ...fields, reason: '调整数量', revisedAt: EARLIER },
});
const needWithdrawn = (): NeedEvent => ({ type: 'NeedWithdrawn', data: { needId: NEED_ID, reason: '村委会另有安排', withdrawnAt: EARLIER } });
const expired = (): NeedEvent => ({ type: 'NeedExpired', data: { needId: NEED_ID, expiredAt: EARLIER } });
const fulfilled = (): NeedEvent => ({ type: 'NeedFulfilled', data: { needId: NEED_ID, note: '物资和资金均已到位', fulfilledAt: EARLIER } });
const closed = (): NeedEvent => ({ type: 'NeedClosed', data: { needId: NEED_ID, note: '已公示', closedAt: EARLIER } });
const offered = (commitmentId: string, org: Org, items: ItemQuantity[], promisedBy = '2026-04-15'): NeedEvent => ({
  type: 'CommitmentOffered',
  data: { needId: NEED_ID, commitmentId, organizationId: org.id, organizationName: org.name, items, promisedBy, note: `${org.name}承接`, offeredAt: EARLIER },
});
const accepted = (commitmentId: string, automatic = false): NeedEvent => ({
  type: 'CommitmentAccepted',
  data: { needId: NEED_ID, commitmentId, automatic, acceptedAt: EARLIER },
});
const declined = (commitmentId: string): NeedEvent => ({
  type: 'CommitmentDeclined',
  data: { needId: NEED_ID, commitmentId, reason: '已由其他组织承接', declinedAt: EARLIER },
});
const commitmentWithdrawn = (commitmentId: string): NeedEvent => ({
  type: 'CommitmentWithdrawn',
  data: { needId: NEED_ID, commitmentId, reason: '预算调整', withdrawnAt: EARLIER },
});
const recorded = (commitmentId: string, deliveryId: string, items: ItemQuantity[]): NeedEvent => ({
  type: 'DeliveryRecorded',
  data: {
    needId: NEED_ID,
    commitmentId,
    deliveryId,
    items,
    evidence: [{ kind: 'receipt', ref: '粤财社捐 No.44010012345' }],
    note: '已转入村委会账户',
    recordedAt: EARLIER,
  },
});
const confirmed = (commitmentId: string, deliveryId: string): NeedEvent => ({
  type: 'DeliveryConfirmed',
  data: { needId: NEED_ID, commitmentId, deliveryId, note: '村委会已核实', confirmedAt: EARLIER },
});

const L = (lineItemId: string, quantity: number): ItemQuantity => ({ lineItemId, quantity });

/** A published need, with the charity's ¥10,000 bursary offer accepted. */
const OPEN = [drafted(), published()];
const CHARITY_ACCEPTED = [...OPEN, offered('c1', CHARITY, [L('L1', 1_000_000)]), accepted('c1')];

// --- commands ----------------------------------------------------------------------------------

const INPUT_ITEMS: LineItemInput[] = [
  { kind: 'funds', description: ' 瑶族学生助学金 ', quantity: 3_000_000 },
  { kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 40, estimatedValueFen: 4_800_000 },
  { kind: 'training', description: '农产品电商直播培训', quantity: 2, participants: 30 },
];
const draftNeed = (overrides: Partial<Extract<NeedCommand, { type: 'DraftNeed' }>> = {}): NeedCommand => ({
  type: 'DraftNeed',
  needId: NEED_ID,
  villageCode: VILLAGE,
  ...FIELDS,
  title: `  ${FIELDS.title} `,
  lineItems: INPUT_ITEMS,
  ...overrides,
});
const reviseNeed = (overrides: Partial<Extract<NeedCommand, { type: 'ReviseNeed' }>> = {}): NeedCommand => ({
  type: 'ReviseNeed',
  reason: '学生人数增加',
  ...FIELDS,
  ...overrides,
});
const offer = (org: Org, items: ItemQuantity[], overrides: Partial<Extract<NeedCommand, { type: 'OfferCommitment' }>> = {}): NeedCommand => ({
  type: 'OfferCommitment',
  commitmentId: 'c9',
  organizationId: org.id,
  organizationName: org.name,
  items,
  promisedBy: '2026-05-20',
  note: '六月前分两批到位',
  organizationStanding: 'normal',
  ...overrides,
});
const recordDelivery = (items: ItemQuantity[], overrides: Partial<Extract<NeedCommand, { type: 'RecordDelivery' }>> = {}): NeedCommand => ({
  type: 'RecordDelivery',
  commitmentId: 'c1',
  deliveryId: 'd1',
  items,
  evidence: [{ kind: 'receipt', ref: '粤财社捐 No.44010012345' }],
  note: '第一批助学金',
  ...overrides,
});

const stateOf = (events: NeedEvent[]): NeedState => given(needDecider, events).state;
const commitmentOf = (events: NeedEvent[], id = 'c1'): CommitmentState => stateOf(events).commitments.find((c) => c.id === id)!;

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

const DELIVERED = [...CHARITY_ACCEPTED, recorded('c1', 'd1', [L('L1', 1_000_000)]), confirmed('c1', 'd1')];

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
  });
});

// ---------------------------------------------------------------------------------------------
// Derived figures
// ---------------------------------------------------------------------------------------------

describe('scopes', () => {
  const elsewhere: Actor = { id: 'coord-other-town', role: 'coordinator', scope: '441826106' };
  const guangzhouBureau: Actor = { id: 'bureau-gz', role: 'bureau', scope: '4401' };

  it('a coordinator posts needs only for villages within their scope', () => {
    given(needDecider)
      .when({ type: 'DraftNeed', needId: NEED_ID, villageCode: VILLAGE, title: '课桌椅', description: '', category: 'education', lineItems: [{ kind: 'funds', description: '资金', quantity: 100 }], dueDate: null, autoAccept: false, publish: false }, ctx(elsewhere))
      .thenThrows('forbidden', /outside your scope/);
  });

  it("another town's coordinator cannot see a draft (not-found) nor act on a published need (forbidden)", () => {
    given(needDecider, [drafted()]).when({ type: 'PublishNeed' }, ctx(elsewhere)).thenThrows('not-found');
    given(needDecider, OPEN).when({ type: 'WithdrawNeed', reason: '另有安排' }, ctx(elsewhere)).thenThrows('forbidden', /outside your scope/);
    given(needDecider, [...OPEN, offered('c1', EDU, [L('L1', 100)])]).when({ type: 'AcceptCommitment', commitmentId: 'c1' }, ctx(elsewhere)).thenThrows('forbidden');
  });

  it('bureau staff and auditors in scope see drafts; bureau staff close only needs within their scope', () => {
    given(needDecider, [drafted()]).when({ type: 'PublishNeed' }, ctx(bureau)).thenThrows('forbidden');
    given(needDecider, [drafted()]).when({ type: 'PublishNeed' }, ctx(auditor)).thenThrows('forbidden');
    given(needDecider, [drafted()]).when({ type: 'PublishNeed' }, ctx(guangzhouBureau)).thenThrows('not-found');
    given(needDecider, [...OPEN, fulfilled()]).when({ type: 'CloseNeed', note: '' }, ctx(guangzhouBureau)).thenThrows('forbidden', /outside your scope/);
  });
});

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

describe('given/when/then helper', () => {
  it('fails a then() when the decider rejects, and a thenThrows() when it decides', () => {
    expect(() => given(needDecider, []).when({ type: 'PublishNeed' }, ctx(coordinator)).then([])).toThrow(/threw DomainError\(not-found\)/);
    expect(() => given(needDecider, [drafted()]).when({ type: 'PublishNeed' }, ctx(coordinator)).thenThrows('conflict')).toThrow(/NeedPublished/);
    expect(() => given(needDecider, []).when({ type: 'PublishNeed' }, ctx(coordinator)).thenThrows('forbidden')).toThrow();
    expect(() => given(needDecider, []).when({ type: 'PublishNeed' }, ctx(coordinator)).thenThrows('not-found', 'nonsense')).toThrow();
    expect(given(needDecider, []).when({ type: 'PublishNeed' }, ctx(coordinator)).thenThrows('not-found')).toBeInstanceOf(DomainError);
  });
});
