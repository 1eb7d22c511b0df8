import { Actor, DecisionContext } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { isOverdue, NeedCommand, needDecider, TeamForCommitment } from './need.decider';
import { CommitmentTeam, NeedEvent, NeedFields } from './need.events';
import { presentNeed } from './need.presenter';

// 组团帮扶 commitments offered by a hub on behalf of its team, and commitment handovers.

const NOW = new Date('2026-03-01T08:00:00Z');
const AT = NOW.toISOString();
const EARLIER = '2026-02-20T02:30:00.000Z';
const NEED_ID = 'n-441826105201-0002';
const ctx = (actor: Actor, now: Date = NOW): DecisionContext => ({ actor, now });

const HUB = 'org-gz-federation';
const EDU = 'org-gz-edu';
const ENERGY = 'org-gz-newenergy';
const CHARITY = 'org-gz-charity';
const hubAdmin: Actor = { id: 'hub-admin', role: 'hub', organizationId: HUB };
const hubStaff: Actor = { id: 'hub-staff', role: 'organization', organizationId: HUB };
const eduStaff: Actor = { id: 'edu-staff', role: 'organization', organizationId: EDU };
const energyStaff: Actor = { id: 'energy-staff', role: 'organization', organizationId: ENERGY };
const charityStaff: Actor = { id: 'charity-staff', role: 'organization', organizationId: CHARITY };
const coordinator: Actor = { id: 'coord', role: 'coordinator', scope: '441826105' };

const FIELDS: NeedFields = {
  title: '南岗村助学与路灯',
  description: '',
  category: 'education',
  lineItems: [
    { id: 'L1', kind: 'funds', description: '助学金', unit: '分', quantity: 3_000_000 },
    { id: 'L2', kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 40 },
  ],
  dueDate: '2026-06-30',
  autoAccept: false,
};
const drafted: NeedEvent = { type: 'NeedDrafted', data: { needId: NEED_ID, villageCode: '441826105201', ...FIELDS, draftedAt: EARLIER } };
const published: NeedEvent = { type: 'NeedPublished', data: { needId: NEED_ID, publishedAt: EARLIER } };
const open = [drafted, published];

const TEAM: TeamForCommitment = {
  teamId: 'team-1',
  title: '三排镇教育组团',
  leadOrganizationId: HUB,
  status: 'active',
  members: [
    { organizationId: HUB, organizationName: '广州市社会组织联合会', role: 'lead', standing: 'normal' },
    { organizationId: EDU, organizationName: '广州市教育基金会', role: 'funding', standing: 'normal' },
    { organizationId: ENERGY, organizationName: '广州市新能源行业协会', role: 'implementing', standing: 'normal' },
  ],
};
const SHARES = [
  { organizationId: EDU, items: [{ lineItemId: 'L1', quantity: 2_000_000 }] },
  { organizationId: HUB, items: [{ lineItemId: 'L1', quantity: 1_000_000 }, { lineItemId: 'L2', quantity: 10 }] },
  { organizationId: ENERGY, items: [{ lineItemId: 'L2', quantity: 30 }] },
];
type Offer = Extract<NeedCommand, { type: 'OfferCommitment' }>;
const teamOffer = (over: Partial<Offer> = {}): NeedCommand => ({
  type: 'OfferCommitment',
  commitmentId: 'c-team',
  organizationId: HUB,
  organizationName: '广州市社会组织联合会',
  items: [{ lineItemId: 'L1', quantity: 3_000_000 }, { lineItemId: 'L2', quantity: 40 }],
  promisedBy: '2026-05-31',
  note: '',
  organizationStanding: 'normal',
  teamId: 'team-1',
  shares: SHARES,
  team: TEAM,
  ...over,
});
const recordedTeam: CommitmentTeam = {
  teamId: 'team-1',
  title: '三排镇教育组团',
  leadOrganizationId: HUB,
  members: [
    { organizationId: EDU, organizationName: '广州市教育基金会', role: 'funding', items: [{ lineItemId: 'L1', quantity: 2_000_000 }] },
    { organizationId: HUB, organizationName: '广州市社会组织联合会', role: 'lead', items: [{ lineItemId: 'L1', quantity: 1_000_000 }, { lineItemId: 'L2', quantity: 10 }] },
    { organizationId: ENERGY, organizationName: '广州市新能源行业协会', role: 'implementing', items: [{ lineItemId: 'L2', quantity: 30 }] },
  ],
};
const teamOffered: NeedEvent = {
  type: 'CommitmentOffered',
  data: {
    needId: NEED_ID, commitmentId: 'c-team', organizationId: HUB, organizationName: '广州市社会组织联合会',
    items: [{ lineItemId: 'L1', quantity: 3_000_000 }, { lineItemId: 'L2', quantity: 40 }], promisedBy: '2026-05-31', note: '', offeredAt: AT, team: recordedTeam,
  },
};

describe('team commitments (组团帮扶)', () => {
  it('are offered by the lead hub’s admin on behalf of the team, recording every member’s share', () => {
    given(needDecider, open).when(teamOffer(), ctx(hubAdmin)).then([teamOffered]);
    const state = given(needDecider, [...open, { ...teamOffered, data: { ...teamOffered.data, offeredAt: EARLIER } }]).state;
    expect(state.commitments[0].team).toEqual(recordedTeam);
    const shown = presentNeed(state, '2026-03-01').commitments[0];
    expect(shown.team).toEqual(expect.objectContaining({ teamId: 'team-1', title: '三排镇教育组团', members: expect.arrayContaining([expect.objectContaining({ organizationId: EDU, role: 'funding' })]) }));
  });
  it('are treated like any other commitment: accepted by the coordinator, never above what is lacking, delivered by the lead', () => {
    const offeredEarlier = { ...teamOffered, data: { ...teamOffered.data, offeredAt: EARLIER } } as NeedEvent;
    given(needDecider, [...open, offeredEarlier]).when({ type: 'AcceptCommitment', commitmentId: 'c-team' }, ctx(coordinator)).then([
      { type: 'CommitmentAccepted', data: { needId: NEED_ID, commitmentId: 'c-team', automatic: false, acceptedAt: AT } },
    ]);
    const other: NeedEvent = {
      type: 'CommitmentOffered',
      data: { needId: NEED_ID, commitmentId: 'c-other', organizationId: CHARITY, organizationName: '慈善会', items: [{ lineItemId: 'L2', quantity: 5 }], promisedBy: '2026-05-01', note: '', offeredAt: EARLIER },
    };
    const acceptedOther: NeedEvent = { type: 'CommitmentAccepted', data: { needId: NEED_ID, commitmentId: 'c-other', automatic: false, acceptedAt: EARLIER } };
    given(needDecider, [...open, other, acceptedOther]).when(teamOffer(), ctx(hubAdmin)).thenThrows('conflict', 'only lacks 35');
    given(needDecider, [...open, offeredEarlier, { type: 'CommitmentAccepted', data: { needId: NEED_ID, commitmentId: 'c-team', automatic: false, acceptedAt: EARLIER } }])
      .when({ type: 'RecordDelivery', commitmentId: 'c-team', deliveryId: 'd1', items: [{ lineItemId: 'L2', quantity: 10 }], evidence: [{ kind: 'photo', ref: 'p.jpg' }], note: '' }, ctx(hubAdmin))
      .then([expect.objectContaining({ type: 'DeliveryRecorded' }) as NeedEvent]);
    given(needDecider, [...open, offeredEarlier]).when(teamOffer({ commitmentId: 'c-2' }), ctx(hubAdmin)).thenThrows('conflict', 'already has an open commitment');
  });
  it('are refused when the members’ shares do not add up to the commitment, line item by line item (422)', () => {
    const short = [SHARES[0], SHARES[1], { organizationId: ENERGY, items: [{ lineItemId: 'L2', quantity: 20 }] }];
    given(needDecider, open).when(teamOffer({ shares: short }), ctx(hubAdmin)).thenThrows('invalid', 'shares add up to 30 for line item L2, but the commitment covers 40');
    const over = [{ organizationId: EDU, items: [{ lineItemId: 'L1', quantity: 3_000_001 }] }, SHARES[1], SHARES[2]];
    given(needDecider, open).when(teamOffer({ shares: over }), ctx(hubAdmin)).thenThrows('invalid', 'add up to 4000001');
    given(needDecider, open).when(teamOffer({ shares: [] }), ctx(hubAdmin)).thenThrows('invalid', 'each member’s share');
    given(needDecider, open).when(teamOffer({ shares: undefined }), ctx(hubAdmin)).thenThrows('invalid', 'each member’s share');
    given(needDecider, open).when(teamOffer({ shares: [...SHARES, SHARES[0]] }), ctx(hubAdmin)).thenThrows('invalid', 'two shares');
    given(needDecider, open).when(teamOffer({ shares: [{ organizationId: EDU, items: [{ lineItemId: 'L1', quantity: 1 }, { lineItemId: 'L1', quantity: 1 }] }] }), ctx(hubAdmin)).thenThrows('invalid', 'listed twice');
    given(needDecider, open)
      .when(teamOffer({ items: [{ lineItemId: 'L1', quantity: 3_000_000 }] }), ctx(hubAdmin))
      .thenThrows('invalid', 'a share covers line item L2, which the commitment does not');
    given(needDecider, open).when(teamOffer({ shares: [...SHARES.slice(0, 2), { organizationId: CHARITY, items: [{ lineItemId: 'L2', quantity: 30 }] }] }), ctx(hubAdmin)).thenThrows('invalid', 'not a member of the team');
    given(needDecider, open).when(teamOffer({ shares: [{ organizationId: EDU, items: [] }] }), ctx(hubAdmin)).thenThrows('invalid', 'empty share');
    given(needDecider, open).when(teamOffer({ shares: [{ organizationId: EDU, items: [{ lineItemId: 'L1', quantity: 0 }] }] }), ctx(hubAdmin)).thenThrows('invalid', 'positive integers');
  });
  it('are refused when a member taking a share is not in good standing (422), or the lead is not (403)', () => {
    const abnormal = { ...TEAM, members: TEAM.members.map((m) => (m.organizationId === ENERGY ? { ...m, standing: 'abnormal' as const } : m)) };
    given(needDecider, open).when(teamOffer({ team: abnormal }), ctx(hubAdmin)).thenThrows('invalid', `team member ${ENERGY} is listed as abnormal and may not take a share`);
    const gone = { ...TEAM, members: TEAM.members.map((m) => (m.organizationId === EDU ? { ...m, standing: 'deregistered' as const } : m)) };
    given(needDecider, open).when(teamOffer({ team: gone }), ctx(hubAdmin)).thenThrows('invalid', 'is deregistered');
    given(needDecider, open).when(teamOffer({ organizationStanding: 'abnormal' }), ctx(hubAdmin)).thenThrows('forbidden', 'listed as abnormal');
  });
  it('are offered only by the team’s lead hub admin, for an active team the needs context knows', () => {
    given(needDecider, open).when(teamOffer(), ctx(hubStaff)).thenThrows('forbidden', 'lead hub admin');
    given(needDecider, open).when(teamOffer({ organizationId: EDU }), ctx(eduStaff)).thenThrows('forbidden', 'lead hub admin');
    given(needDecider, open).when(teamOffer({ team: { ...TEAM, leadOrganizationId: 'org-other' } }), ctx(hubAdmin)).thenThrows('forbidden', 'lead hub admin');
    given(needDecider, open).when(teamOffer({ team: null }), ctx(hubAdmin)).thenThrows('not-found', 'team not found');
    given(needDecider, open).when(teamOffer({ team: { ...TEAM, status: 'dissolved' } }), ctx(hubAdmin)).thenThrows('conflict', 'dissolved');
    given(needDecider, open).when(teamOffer({ team: { ...TEAM, status: 'completed' } }), ctx(hubAdmin)).thenThrows('conflict', 'completed');
    given(needDecider, open).when(teamOffer({ teamId: undefined, team: undefined }), ctx(hubAdmin)).thenThrows('invalid', 'give the teamId');
  });
});

// ---------------------------------------------------------------------------------------------
// Handovers
// ---------------------------------------------------------------------------------------------

const offered = (org = EDU, name = '广州市教育基金会'): NeedEvent => ({
  type: 'CommitmentOffered',
  data: { needId: NEED_ID, commitmentId: 'c1', organizationId: org, organizationName: name, items: [{ lineItemId: 'L2', quantity: 10 }], promisedBy: '2026-03-20', note: '', offeredAt: EARLIER },
});
const accepted: NeedEvent = { type: 'CommitmentAccepted', data: { needId: NEED_ID, commitmentId: 'c1', automatic: false, acceptedAt: EARLIER } };
const held = [...open, offered(), accepted];
const request = (over: Partial<Extract<NeedCommand, { type: 'RequestHandover' }>> = {}): NeedCommand => ({
  type: 'RequestHandover', commitmentId: 'c1', toOrganizationId: ENERGY, reason: ' 人手调往他处 ', toOrganizationStanding: 'normal', toOrganizationName: '广州市新能源行业协会', ...over,
});
const requested: NeedEvent = {
  type: 'CommitmentHandoverRequested',
  data: { needId: NEED_ID, commitmentId: 'c1', fromOrganizationId: EDU, toOrganizationId: ENERGY, toOrganizationName: '广州市新能源行业协会', reason: '人手调往他处', requestedAt: EARLIER },
};
const acceptHandover = (over: Partial<Extract<NeedCommand, { type: 'AcceptHandover' }>> = {}): NeedCommand => ({
  type: 'AcceptHandover', commitmentId: 'c1', organizationStanding: 'normal', organizationName: '广州市新能源行业协会', ...over,
});
const handedOver: NeedEvent = {
  type: 'CommitmentHandedOver',
  data: {
    needId: NEED_ID, commitmentId: 'c1', fromOrganizationId: EDU, fromOrganizationName: '广州市教育基金会', toOrganizationId: ENERGY, toOrganizationName: '广州市新能源行业协会',
    reason: '人手调往他处', handedOverAt: AT,
  },
};

describe('commitment handovers (claim hygiene)', () => {
  it('are requested by the holder for an accepted commitment, to a registered organization in good standing', () => {
    given(needDecider, held).when(request(), ctx(eduStaff)).then([{ ...requested, data: { ...requested.data, requestedAt: AT } } as NeedEvent]);
    given(needDecider, held).when(request(), ctx(charityStaff)).thenThrows('forbidden', 'only the organization that made this commitment');
    given(needDecider, held).when(request(), ctx(coordinator)).thenThrows('forbidden', 'role coordinator may not hand over commitments');
    given(needDecider, held).when(request({ toOrganizationStanding: 'abnormal' }), ctx(eduStaff)).thenThrows('forbidden', 'receiving organization is listed as abnormal');
    given(needDecider, held).when(request({ toOrganizationStanding: undefined }), ctx(eduStaff)).thenThrows('forbidden', 'not registered');
    given(needDecider, held).when(request({ toOrganizationId: EDU }), ctx(eduStaff)).thenThrows('invalid', 'its own holder');
    given(needDecider, held).when(request({ reason: ' ' }), ctx(eduStaff)).thenThrows('invalid', 'reason');
    given(needDecider, held).when(request({ commitmentId: 'nope' }), ctx(eduStaff)).thenThrows('not-found');
  });
  it('are refused for commitments not accepted, with deliveries, already being handed over, or from a team', () => {
    given(needDecider, [...open, offered()]).when(request(), ctx(eduStaff)).thenThrows('conflict', 'only an accepted commitment');
    const delivery: NeedEvent = { type: 'DeliveryRecorded', data: { needId: NEED_ID, commitmentId: 'c1', deliveryId: 'd1', items: [{ lineItemId: 'L2', quantity: 2 }], evidence: [{ kind: 'photo', ref: 'x' }], note: '', recordedAt: EARLIER } };
    given(needDecider, [...held, delivery]).when(request(), ctx(eduStaff)).thenThrows('conflict', 'recorded deliveries');
    given(needDecider, [...held, requested]).when(request(), ctx(eduStaff)).thenThrows('conflict', 'already pending');
    const teamHeld = [...open, { ...teamOffered, data: { ...teamOffered.data, commitmentId: 'c1' } } as NeedEvent, accepted];
    given(needDecider, teamHeld).when(request(), ctx(hubAdmin)).thenThrows('invalid', 'team commitment is not handed over');
    const receiverHolds: NeedEvent = {
      type: 'CommitmentOffered',
      data: { needId: NEED_ID, commitmentId: 'c2', organizationId: ENERGY, organizationName: '新能源', items: [{ lineItemId: 'L2', quantity: 1 }], promisedBy: '2026-05-01', note: '', offeredAt: EARLIER },
    };
    given(needDecider, [...held, receiverHolds]).when(request(), ctx(eduStaff)).thenThrows('conflict', 'already has an open commitment');
  });
  it('are accepted by the receiver’s staff: the receiver holds the commitment and the handover is recorded for the coordinator', () => {
    given(needDecider, [...held, requested]).when(acceptHandover(), ctx(energyStaff)).then([handedOver]);
    given(needDecider, [...held, requested]).when(acceptHandover(), ctx(eduStaff)).thenThrows('forbidden', 'only the receiving organization’s staff');
    given(needDecider, [...held, requested]).when(acceptHandover({ organizationStanding: 'abnormal' }), ctx(energyStaff)).thenThrows('forbidden', 'listed as abnormal');
    given(needDecider, held).when(acceptHandover(), ctx(energyStaff)).thenThrows('not-found', 'no handover');
    const state = given(needDecider, [...held, requested, handedOver]).state;
    expect(state.commitments[0]).toEqual(expect.objectContaining({ organizationId: ENERGY, organizationName: '广州市新能源行业协会', handover: null, status: 'accepted' }));
    const shown = presentNeed(state, '2026-03-01').commitments[0];
    expect(shown.handedOver).toBe(true);
    expect(shown.handovers).toEqual([expect.objectContaining({ fromOrganizationId: EDU, toOrganizationId: ENERGY, reason: '人手调往他处' })]);
    // The new holder delivers; the former one no longer may.
    const deliver: NeedCommand = { type: 'RecordDelivery', commitmentId: 'c1', deliveryId: 'd1', items: [{ lineItemId: 'L2', quantity: 10 }], evidence: [{ kind: 'photo', ref: 'p.jpg' }], note: '' };
    given(needDecider, [...held, requested, handedOver]).when(deliver, ctx(energyStaff)).then([expect.objectContaining({ type: 'DeliveryRecorded' }) as NeedEvent]);
    given(needDecider, [...held, requested, handedOver]).when(deliver, ctx(eduStaff)).thenThrows('forbidden');
    // A pending handover blocks deliveries; a withdrawn commitment cannot be taken over.
    given(needDecider, [...held, requested]).when(deliver, ctx(eduStaff)).thenThrows('conflict', 'awaits the receiver');
    const withdrawn: NeedEvent = { type: 'CommitmentWithdrawn', data: { needId: NEED_ID, commitmentId: 'c1', reason: 'x', withdrawnAt: EARLIER } };
    given(needDecider, [...held, requested, withdrawn]).when(acceptHandover(), ctx(energyStaff)).thenThrows('not-found', 'no handover');
  });
  it('are declined by the receiver or called off by the holder, and nobody else', () => {
    given(needDecider, [...held, requested]).when({ type: 'DeclineHandover', commitmentId: 'c1', reason: '无力承接' }, ctx(energyStaff)).then([
      { type: 'CommitmentHandoverDeclined', data: { needId: NEED_ID, commitmentId: 'c1', toOrganizationId: ENERGY, by: 'receiver', reason: '无力承接', declinedAt: AT } },
    ]);
    given(needDecider, [...held, requested]).when({ type: 'DeclineHandover', commitmentId: 'c1', reason: '' }, ctx(eduStaff)).then([
      { type: 'CommitmentHandoverDeclined', data: { needId: NEED_ID, commitmentId: 'c1', toOrganizationId: ENERGY, by: 'holder', reason: '', declinedAt: AT } },
    ]);
    given(needDecider, [...held, requested]).when({ type: 'DeclineHandover', commitmentId: 'c1', reason: '' }, ctx(charityStaff)).thenThrows('forbidden');
    given(needDecider, held).when({ type: 'DeclineHandover', commitmentId: 'c1', reason: '' }, ctx(energyStaff)).thenThrows('not-found');
    const declined: NeedEvent = { type: 'CommitmentHandoverDeclined', data: { needId: NEED_ID, commitmentId: 'c1', toOrganizationId: ENERGY, by: 'receiver', reason: '', declinedAt: EARLIER } };
    expect(given(needDecider, [...held, requested, declined]).state.commitments[0].handover).toBeNull();
    given(needDecider, [...held, requested, declined]).when(request(), ctx(eduStaff)).then([{ ...requested, data: { ...requested.data, requestedAt: AT } } as NeedEvent]);
  });
  it('keep the overdue flag: a handed-over commitment past its promised date stays overdue for the new holder', () => {
    const state = given(needDecider, [...held, requested, handedOver]).state;
    expect(isOverdue(state.commitments[0], '2026-03-21')).toBe(true);
    expect(isOverdue(state.commitments[0], '2026-03-20')).toBe(false);
  });
});
