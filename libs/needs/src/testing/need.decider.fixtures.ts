/**
 * Shared given/when/then fixtures of the needs decider specs (need.lifecycle, need.revise,
 * need.commitments, need.deliveries, need.scopes and need.state .spec.ts): the actors, the need's
 * fields and line items, the events of a given history and the commands. Test-only: it uses
 * `@shecun/core/testing` (jest's `expect`), so it lives under src/testing/, which the build leaves out.
 */
import { Actor, DecisionContext } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { CommitmentState, LineItemInput, NeedCommand, needDecider, NeedState } from '../need.decider';
import { NeedEvent, NeedFields } from '../need.events';
import { ItemQuantity, LineItem } from '../need.model';

// ---------------------------------------------------------------------------------------------
// Fixtures: 连南瑶族自治县三排镇南岗村 asks for bursaries, solar street lamps and e-commerce training.
// ---------------------------------------------------------------------------------------------

export const NOW = new Date('2026-03-01T08:00:00Z');
export const AT = NOW.toISOString();
export const TODAY = '2026-03-01';
/** Timestamps of the given history: a few days before the decision. */
export const EARLIER = '2026-02-20T02:30:00.000Z';

export const NEED_ID = 'n-441826105201-0001';
export const VILLAGE = '441826105201';

export const coordinator: Actor = { id: 'coord-sanpai-nangang', role: 'coordinator', scope: '441826105' };
export const bureau: Actor = { id: 'bureau-qy-01', role: 'bureau', scope: '4418' };
export const auditor: Actor = { id: 'audit-gd-01', role: 'auditor', scope: '44' };
export const system: Actor = { id: 'system', role: 'system' };

export interface Org {
  id: string;
  name: string;
}
export const CHARITY: Org = { id: 'org-gz-charity', name: '广州市慈善会' };
export const EDU: Org = { id: 'org-gz-edu', name: '广州市教育基金会' };
export const ENERGY: Org = { id: 'org-gz-newenergy', name: '广州市新能源行业协会' };
export const FEDERATION: Org = { id: 'org-gz-federation', name: '广州市社会组织联合会' };

export const staff = (org: Org, role: 'organization' | 'hub' = 'organization'): Actor => ({ id: `staff-${org.id}`, role, organizationId: org.id });
export const ctx = (actor: Actor, now: Date = NOW): DecisionContext => ({ actor, now });

/** ¥30,000 of bursaries in fen, 40 solar street lamps, 2 training sessions. */
export const BURSARY: LineItem = { id: 'L1', kind: 'funds', description: '瑶族学生助学金', unit: '分', quantity: 3_000_000 };
export const LAMPS: LineItem = { id: 'L2', kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 40, estimatedValueFen: 4_800_000 };
export const TRAINING: LineItem = { id: 'L3', kind: 'training', description: '农产品电商直播培训', unit: '期', quantity: 2, participants: 30 };

export const FIELDS: NeedFields = {
  title: '南岗村瑶族学生助学与村道照明',
  description: '三排镇南岗村有 60 名在读瑶族学生，村道夜间无照明；另需电商直播培训帮助销售高山茶叶。',
  category: 'education',
  lineItems: [BURSARY, LAMPS, TRAINING],
  dueDate: '2026-06-30',
  autoAccept: false,
};

// --- given events ------------------------------------------------------------------------------

export const drafted = (fields: Partial<NeedFields> = {}): NeedEvent => ({
  type: 'NeedDrafted',
  data: { needId: NEED_ID, villageCode: VILLAGE, ...FIELDS, ...fields, draftedAt: EARLIER },
});
export const published = (): NeedEvent => ({ type: 'NeedPublished', data: { needId: NEED_ID, publishedAt: EARLIER } });
export const revised = (fields: Partial<NeedFields>): NeedEvent => ({
  type: 'NeedRevised',
  data: { needId: NEED_ID, ...FIELDS, ...fields, reason: '调整数量', revisedAt: EARLIER },
});
export const needWithdrawn = (): NeedEvent => ({ type: 'NeedWithdrawn', data: { needId: NEED_ID, reason: '村委会另有安排', withdrawnAt: EARLIER } });
export const expired = (): NeedEvent => ({ type: 'NeedExpired', data: { needId: NEED_ID, expiredAt: EARLIER } });
export const fulfilled = (): NeedEvent => ({ type: 'NeedFulfilled', data: { needId: NEED_ID, note: '物资和资金均已到位', fulfilledAt: EARLIER } });
export const closed = (): NeedEvent => ({ type: 'NeedClosed', data: { needId: NEED_ID, note: '已公示', closedAt: EARLIER } });
export const offered = (commitmentId: string, org: Org, items: ItemQuantity[], promisedBy = '2026-04-15'): NeedEvent => ({
  type: 'CommitmentOffered',
  data: { needId: NEED_ID, commitmentId, organizationId: org.id, organizationName: org.name, items, promisedBy, note: `${org.name}承接`, offeredAt: EARLIER },
});
export const accepted = (commitmentId: string, automatic = false): NeedEvent => ({
  type: 'CommitmentAccepted',
  data: { needId: NEED_ID, commitmentId, automatic, acceptedAt: EARLIER },
});
export const declined = (commitmentId: string): NeedEvent => ({
  type: 'CommitmentDeclined',
  data: { needId: NEED_ID, commitmentId, reason: '已由其他组织承接', declinedAt: EARLIER },
});
export const commitmentWithdrawn = (commitmentId: string): NeedEvent => ({
  type: 'CommitmentWithdrawn',
  data: { needId: NEED_ID, commitmentId, reason: '预算调整', withdrawnAt: EARLIER },
});
export const recorded = (commitmentId: string, deliveryId: string, items: ItemQuantity[]): NeedEvent => ({
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
export const confirmed = (commitmentId: string, deliveryId: string): NeedEvent => ({
  type: 'DeliveryConfirmed',
  data: { needId: NEED_ID, commitmentId, deliveryId, note: '村委会已核实', confirmedAt: EARLIER },
});

export const L = (lineItemId: string, quantity: number): ItemQuantity => ({ lineItemId, quantity });

/** A published need, with the charity's ¥10,000 bursary offer accepted. */
export const OPEN = [drafted(), published()];
export const CHARITY_ACCEPTED = [...OPEN, offered('c1', CHARITY, [L('L1', 1_000_000)]), accepted('c1')];
/** CHARITY_ACCEPTED with its ¥10,000 delivered in full and confirmed. */
export const DELIVERED = [...CHARITY_ACCEPTED, recorded('c1', 'd1', [L('L1', 1_000_000)]), confirmed('c1', 'd1')];

// --- commands ----------------------------------------------------------------------------------

export const INPUT_ITEMS: LineItemInput[] = [
  { kind: 'funds', description: ' 瑶族学生助学金 ', quantity: 3_000_000 },
  { kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 40, estimatedValueFen: 4_800_000 },
  { kind: 'training', description: '农产品电商直播培训', quantity: 2, participants: 30 },
];
export const draftNeed = (overrides: Partial<Extract<NeedCommand, { type: 'DraftNeed' }>> = {}): NeedCommand => ({
  type: 'DraftNeed',
  needId: NEED_ID,
  villageCode: VILLAGE,
  ...FIELDS,
  title: `  ${FIELDS.title} `,
  lineItems: INPUT_ITEMS,
  ...overrides,
});
export const reviseNeed = (overrides: Partial<Extract<NeedCommand, { type: 'ReviseNeed' }>> = {}): NeedCommand => ({
  type: 'ReviseNeed',
  reason: '学生人数增加',
  ...FIELDS,
  ...overrides,
});
export const offer = (org: Org, items: ItemQuantity[], overrides: Partial<Extract<NeedCommand, { type: 'OfferCommitment' }>> = {}): NeedCommand => ({
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
export const recordDelivery = (items: ItemQuantity[], overrides: Partial<Extract<NeedCommand, { type: 'RecordDelivery' }>> = {}): NeedCommand => ({
  type: 'RecordDelivery',
  commitmentId: 'c1',
  deliveryId: 'd1',
  items,
  evidence: [{ kind: 'receipt', ref: '粤财社捐 No.44010012345' }],
  note: '第一批助学金',
  ...overrides,
});

export const stateOf = (events: NeedEvent[]): NeedState => given(needDecider, events).state;
export const commitmentOf = (events: NeedEvent[], id = 'c1'): CommitmentState => stateOf(events).commitments.find((c) => c.id === id)!;
