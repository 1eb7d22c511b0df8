import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '@shecun/core';
import { ExecuteNeedCommand, NeedCommand } from '@shecun/needs';
import { Category } from '@shecun/categories';
import { randomUUID } from 'node:crypto';
import { actAs, COORDINATOR, futureDate, removeDir, startEmbeddedApp, staffOf, TestActor, TestApp } from '../support/embedded-app';
import { PROVINCE_BUREAU, registerOrganizations, TestOrganization } from '../support/organizations';

/**
 * Matching on the real embedded app: every ranking factor moves the ranking when one input
 * changes through the real command path (registry, profile, standing, pairings, teams,
 * commitments), fairness lifts long-waiting and unpaired villages in an organization's
 * recommended needs, a team suggestion is used as it is to form a team and commit, and who may
 * see what.
 */
const V = '441826105201'; // 山溪村, 三排镇, 连南, 清远
const OTHER_SANPAI = '441826105202';
const DAY = 86_400_000;
const coordinator: Actor = { id: 'matching-coordinator', role: 'coordinator', scope: '4418' };

interface Candidate { organizationId: string; rank: number; score: number; factors: Record<string, { points: number; reason: string }> }

async function publishNeed(t: TestApp, villageCode: string, category: Category, options: { at?: Date; lineItems?: Array<{ kind: 'goods'; description: string; unit: string; quantity: number }> } = {}): Promise<string> {
  const needId = randomUUID();
  await t.app.get(CommandBus).execute(
    new ExecuteNeedCommand(
      needId,
      {
        type: 'DraftNeed', needId, villageCode, title: `需求 ${category}`, description: '', category,
        lineItems: options.lineItems ?? [{ kind: 'goods', description: '物资', unit: '件', quantity: 10 }],
        dueDate: null, autoAccept: false, publish: true,
      },
      { actor: coordinator, commandId: randomUUID(), correlationId: randomUUID() },
      options.at,
    ),
  );
  return needId;
}

async function onNeed(t: TestApp, needId: string, actor: Actor, command: NeedCommand, at?: Date): Promise<void> {
  await t.app.get(CommandBus).execute(new ExecuteNeedCommand(needId, command, { actor, commandId: randomUUID(), correlationId: randomUUID() }, at));
}

const staff = (organizationId: string): Actor => ({ id: `staff-${organizationId}`, role: 'organization', organizationId });

describe('matching: candidates for a need, by factor', () => {
  let t: TestApp;
  let needId = '';
  const edu = (id: string, homeDivisionCode: string, extra: Partial<TestOrganization> = {}): TestOrganization => ({ id, homeDivisionCode, categories: ['education'], ...extra });

  beforeAll(async () => {
    process.env.NEED_EXPIRY_SWEEP = 'false';
    t = await startEmbeddedApp();
    await registerOrganizations(t, [
      // Proximity: alike but for the home division.
      edu('p-town', '441826105'), edu('p-county', '441826'), edu('p-city', '4418'), edu('p-counterpart', '4401'), edu('p-province', '4403'),
      // Twins (all in 广州, a counterpart city of 清远): each pair differs by one input changed below.
      ...['c-a', 'c-b', 'r-a', 'r-b', 'r-c', 's-a', 's-b', 'k-a', 'k-b', 'rel-a', 'rel-b', 'rel-c', 'rel-d', 'rel-e', 'n-a', 'member'].map((id) => edu(id, '4401')),
      edu('h-a', '4401', { hubKind: 'hub' }), edu('h-b', '4401', { hubKind: 'hub' }),
    ]);
    needId = await publishNeed(t, V, 'education');
    await t.projections.waitFor(await t.store.headPosition());
  });
  afterAll(async () => {
    delete process.env.NEED_EXPIRY_SWEEP;
    await t.close();
    removeDir(t.dataDir);
  });

  const settle = async () => t.projections.waitFor(await t.store.headPosition());
  async function candidates(id = needId): Promise<Candidate[]> {
    await settle();
    const res = await t.http().get(`/api/needs/${id}/candidates?limit=100`).set(await actAs(t, COORDINATOR)).expect(200);
    return res.body.candidates;
  }
  const find = (list: Candidate[], id: string) => list.find((c) => c.organizationId === id);
  const score = (list: Candidate[], id: string) => find(list, id)!.score;
  /** Candidates in strictly decreasing score and rank, in the order given. */
  function expectOrder(list: Candidate[], ids: string[]): void {
    for (let i = 1; i < ids.length; i++) {
      expect({ pair: [ids[i - 1], ids[i]], higher: score(list, ids[i - 1]) > score(list, ids[i]), earlier: find(list, ids[i - 1])!.rank < find(list, ids[i])!.rank }).toEqual({ pair: [ids[i - 1], ids[i]], higher: true, earlier: true });
    }
  }

  it('answers with every organization in normal standing, the points and reason of each factor', async () => {
    const res = await t.http().get(`/api/needs/${needId}/candidates?limit=5`).set(await actAs(t, COORDINATOR)).expect(200);
    expect(res.body.need).toMatchObject({ id: needId, villageCode: V, category: 'education', villageName: expect.stringContaining('三排镇'), fairness: { villagePaired: false, unpaired: 10 } });
    expect(res.body.eligible).toBe(23);
    expect(res.body.candidates).toHaveLength(5);
    expect(res.body.candidates[0]).toMatchObject({ rank: 1, organizationId: 'p-town', factors: { proximity: { points: 20, reason: expect.stringContaining('same town') } } });
    expect(Object.keys(res.body.candidates[0].factors).sort()).toEqual(['capacity', 'category', 'pairing', 'proximity', 'reliability', 'team']);
  });

  it('proximity: same town > same county > same city > counterpart city > elsewhere in the province', async () => {
    expectOrder(await candidates(), ['p-town', 'p-county', 'p-city', 'p-counterpart', 'p-province']);
  });

  it('service field: an organization that stops serving the need’s category drops; a related field sits between', async () => {
    expect(score(await candidates(), 'c-a')).toBe(score(await candidates(), 'c-b'));
    await t.http().post('/api/organizations/c-b/profile').set(await actAs(t, staffOf('c-b'))).send({ categories: ['greening'] }).expect(200);
    await t.http().post('/api/organizations/c-a/profile').set(await actAs(t, staffOf('c-a'))).send({ categories: ['employment'] }).expect(200);
    const list = await candidates();
    expectOrder(list, ['r-a', 'c-a', 'c-b']);
    expect(find(list, 'c-a')!.factors.category.points).toBe(10);
    expect(find(list, 'c-b')!.factors.category.points).toBe(0);
  });

  it('pairing: an active pairing with the village lifts an organization, one with its town less', async () => {
    const bureau = await actAs(t, PROVINCE_BUREAU);
    for (const [org, target] of [['r-b', V], ['r-c', '441826105']]) {
      await t.http().post('/api/pairings').set(bureau).send({ organizationId: org, targetCode: target, startDate: futureDate(0), endDate: futureDate(400), categories: ['education'] }).expect(201);
      await t.http().post(`/api/pairings/${org}:${target}/confirm`).set(bureau).expect(200);
    }
    expectOrder(await candidates(), ['r-b', 'r-c', 'r-a']);
  });

  it('standing: an organization listed as abnormal or deregistered is left out, and returns when restored', async () => {
    const bureau = await actAs(t, PROVINCE_BUREAU);
    await t.http().post('/api/organizations/s-b/abnormal').set(bureau).send({ reason: '未报送年报' }).expect(200);
    let list = await candidates();
    expect(find(list, 's-b')).toBeUndefined();
    expect(find(list, 's-a')).toBeDefined();
    await t.http().post('/api/organizations/s-b/restore').set(bureau).send({ note: '已补报' }).expect(200);
    expect(score(await candidates(), 's-b')).toBe(score(await candidates(), 's-a'));
    await t.http().post('/api/organizations/s-a/deregister').set(bureau).send({ reason: '注销登记' }).expect(200);
    list = await candidates();
    expect(find(list, 's-a')).toBeUndefined();
  });

  it('spare capacity: an open commitment elsewhere lowers an organization', async () => {
    const other = await publishNeed(t, OTHER_SANPAI, 'care');
    await onNeed(t, other, staff('k-b'), { type: 'OfferCommitment', commitmentId: 'k', organizationId: 'k-b', organizationName: 'k-b', items: [{ lineItemId: 'L1', quantity: 2 }], promisedBy: futureDate(20), note: '' });
    const list = await candidates();
    expectOrder(list, ['k-a', 'k-b']);
    expect(find(list, 'k-b')!.factors.capacity).toMatchObject({ points: 5, reason: expect.stringContaining('1 open commitments') });
    expect(find(list, 'k-b')!.factors.reliability.points).toBe(find(list, 'k-a')!.factors.reliability.points);
  });

  it('reliability: a confirmed delivery lifts; a withdrawal after acceptance and an overdue commitment lower', async () => {
    const coord: Actor = { id: 'c', role: 'coordinator', scope: '441826105' };
    const give = async (org: string, promisedBy: string, at?: Date) => {
      const n = await publishNeed(t, OTHER_SANPAI, 'care', { at });
      await onNeed(t, n, staff(org), { type: 'OfferCommitment', commitmentId: 'x', organizationId: org, organizationName: org, items: [{ lineItemId: 'L1', quantity: 10 }], promisedBy, note: '' }, at);
      await onNeed(t, n, coord, { type: 'AcceptCommitment', commitmentId: 'x' }, at);
      return n;
    };
    const delivered = await give('rel-b', futureDate(10));
    await onNeed(t, delivered, staff('rel-b'), { type: 'RecordDelivery', commitmentId: 'x', deliveryId: 'd', items: [{ lineItemId: 'L1', quantity: 10 }], evidence: [{ kind: 'photo', ref: 'p.jpg' }], note: '' });
    await onNeed(t, delivered, coord, { type: 'ConfirmDelivery', commitmentId: 'x', deliveryId: 'd', note: '' });
    const withdrawn = await give('rel-c', futureDate(10));
    await onNeed(t, withdrawn, staff('rel-c'), { type: 'WithdrawCommitment', commitmentId: 'x', reason: '资金未到位' });
    const past = new Date(Date.now() - 40 * DAY);
    await give('rel-d', new Date(Date.now() - 35 * DAY).toISOString().slice(0, 10), past); // accepted, promised 35 days ago: overdue
    await give('rel-e', futureDate(30)); // accepted, not yet due: same open load as rel-d
    const list = await candidates();
    expectOrder(list, ['rel-b', 'rel-a', 'rel-c']);
    expectOrder(list, ['rel-e', 'rel-d']);
    expect(find(list, 'rel-b')!.factors.reliability.reason).toContain('on time 1');
    expect(find(list, 'rel-c')!.factors.reliability.reason).toContain('withdrawn 1');
    expect(find(list, 'rel-d')!.factors.reliability.reason).toContain('overdue 1');
    expect(find(list, 'rel-d')!.factors.capacity.points).toBe(find(list, 'rel-e')!.factors.capacity.points);
  });

  it('team availability: a hub whose active team covers the village and field > a hub free to form one > a non-hub', async () => {
    expectOrder(await candidates(), ['h-a', 'n-a']);
    expect(score(await candidates(), 'h-a')).toBe(score(await candidates(), 'h-b'));
    const hub = await actAs(t, { id: 'hub-admin-h-a', role: 'hub', organizationId: 'h-a' });
    const team = await t.http().post('/api/teams').set(hub).send({ leadOrganizationId: 'h-a', targetCode: '441826105', title: '三排镇助学组团', categories: ['education'], leadShare: 10 }).expect(201);
    expect(find(await candidates(), 'h-a')!.factors.team.points).toBe(7);
    await t.http().post(`/api/teams/${team.body.teamId}/invitations`).set(hub).send({ organizationId: 'member', role: 'implementing', share: 20 }).expect(201);
    await t.http().post(`/api/teams/${team.body.teamId}/invitations/member/accept`).set(await actAs(t, staffOf('member'))).expect(200);
    const list = await candidates();
    expectOrder(list, ['h-a', 'h-b', 'n-a']);
    expect(find(list, 'h-a')!.factors.team.reason).toContain(team.body.teamId);
  });

  it('who may see candidates: the village’s coordinators, bureau staff and auditors in scope, admins; never organizations; drafts are not found; ended needs conflict', async () => {
    const get = async (actor: TestActor | undefined, id = needId) => (await t.http().get(`/api/needs/${id}/candidates`).set(actor ? await actAs(t, actor) : {})).status;
    expect(await get(undefined)).toBe(401);
    expect(await get(COORDINATOR)).toBe(200);
    expect(await get({ id: 'coord-other', role: 'coordinator', scope: '441826106' })).toBe(403);
    expect(await get({ id: 'bureau-qy', role: 'bureau', scope: '4418' })).toBe(200);
    expect(await get({ id: 'bureau-gz', role: 'bureau', scope: '4401' })).toBe(403);
    expect(await get({ id: 'auditor-gd', role: 'auditor', scope: '44' })).toBe(200);
    expect(await get({ id: 'admin', role: 'admin' })).toBe(200);
    expect(await get(staffOf('p-town'))).toBe(403);
    expect(await get({ id: 'hub-admin-h-a', role: 'hub', organizationId: 'h-a' })).toBe(403);
    expect(await get(COORDINATOR, 'no-such-need')).toBe(404);
    const draft = randomUUID();
    await onNeed(t, draft, coordinator, { type: 'DraftNeed', needId: draft, villageCode: V, title: '草稿', description: '', category: 'care', lineItems: [{ kind: 'goods', description: 'x', unit: '件', quantity: 1 }], dueDate: null, autoAccept: false });
    await settle();
    expect(await get(COORDINATOR, draft)).toBe(404);
    const ended = await publishNeed(t, V, 'care');
    await onNeed(t, ended, coordinator, { type: 'WithdrawNeed', reason: '另有安排' });
    await settle();
    const res = await t.http().get(`/api/needs/${ended}/candidates`).set(await actAs(t, COORDINATOR));
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('matching: recommended needs and fairness', () => {
  let t: TestApp;
  const ORG = 'org-lianan-edu';

  beforeAll(async () => {
    process.env.NEED_EXPIRY_SWEEP = 'false';
    t = await startEmbeddedApp();
    await registerOrganizations(t, [
      { id: ORG, homeDivisionCode: '441826', categories: ['education'] },
      { id: 'org-pairing-holder', homeDivisionCode: '4401', categories: ['care'] },
    ]);
  });
  afterAll(async () => {
    delete process.env.NEED_EXPIRY_SWEEP;
    await t.close();
    removeDir(t.dataDir);
  });

  async function recommended(query = ''): Promise<Array<{ id: string; rank: number; score: number; priority: number; fairness: { waiting: number; unpaired: number; total: number } }>> {
    await t.projections.waitFor(await t.store.headPosition());
    const res = await t.http().get(`/api/organizations/${ORG}/recommended-needs?limit=100${query}`).set(await actAs(t, staffOf(ORG))).expect(200);
    return res.body.needs;
  }

  it('fairness: of needs that score the same, the longest-waiting and the unpaired village’s come first; waiting can outweigh a better fit', async () => {
    // Four education needs in 大麦山镇 and 寨岗镇 (连南, the organization's county): same score for it.
    const waited = await publishNeed(t, '441826101201', 'education', { at: new Date(Date.now() - 50 * DAY) });
    const fresh = await publishNeed(t, '441826101202', 'education');
    const paired = await publishNeed(t, '441826102201', 'education');
    const unpaired = await publishNeed(t, '441826102202', 'education');
    const bureau = await actAs(t, PROVINCE_BUREAU);
    for (const village of ['441826101201', '441826101202', '441826102201']) {
      await t.http().post('/api/pairings').set(bureau).send({ organizationId: 'org-pairing-holder', targetCode: village, startDate: futureDate(0), endDate: futureDate(400), categories: ['care'] }).expect(201);
      await t.http().post(`/api/pairings/org-pairing-holder:${village}/confirm`).set(bureau).expect(200);
    }
    // A need in another county of 清远 (proximity: city, 5 points less) that has waited 60 days, its village unpaired.
    const farButOld = await publishNeed(t, '441802006001', 'education', { at: new Date(Date.now() - 60 * DAY) });

    const needs = await recommended();
    const byId = Object.fromEntries(needs.map((n) => [n.id, n]));
    // Equal scores …
    expect(byId[waited].score).toBe(byId[fresh].score);
    expect(byId[paired].score).toBe(byId[unpaired].score);
    // … the need that waited 50 days ranks above the fresh one (waiting 15 · 50/60 = 12.5) …
    expect(byId[waited].fairness.waiting).toBeCloseTo(12.5, 1);
    expect(byId[waited].rank).toBeLessThan(byId[fresh].rank);
    // … the unpaired village's above the paired one's (+10) …
    expect(byId[unpaired].fairness).toMatchObject({ unpaired: 10 });
    expect(byId[paired].fairness).toMatchObject({ unpaired: 0 });
    expect(byId[unpaired].rank).toBeLessThan(byId[paired].rank);
    // … and a worse fit that waited long outranks a better, fresh one: score 5 lower, priority higher.
    expect(byId[farButOld].score).toBeCloseTo(byId[unpaired].score - 5, 5);
    expect(byId[farButOld].priority).toBeGreaterThan(byId[unpaired].priority);
    expect(byId[farButOld].rank).toBeLessThan(byId[unpaired].rank);
    expect(needs.map((n) => n.id)).toEqual([farButOld, waited, unpaired, fresh, paired]);
    // Without fairness (score alone) the order would put the better fits first.
    const byScore = [...needs].sort((a, b) => b.score - a.score || a.rank - b.rank).map((n) => n.id);
    expect(byScore.indexOf(farButOld)).toBe(4);
  });

  it('leaves out needs the organization already holds an open commitment on, and narrows by category and division', async () => {
    const [first] = await recommended();
    await onNeed(t, first.id, staff(ORG), { type: 'OfferCommitment', commitmentId: 'o', organizationId: ORG, organizationName: ORG, items: [{ lineItemId: 'L1', quantity: 1 }], promisedBy: futureDate(10), note: '' });
    expect((await recommended()).map((n) => n.id)).not.toContain(first.id);
    expect(await recommended('&category=care')).toEqual([]);
    expect((await recommended('&division=441826102')).length).toBe(2);
  });

  it('who may see an organization’s recommended needs: its own staff and hub admins, bureau staff in scope, admins', async () => {
    const get = async (actor: TestActor | undefined, id = ORG) => (await t.http().get(`/api/organizations/${id}/recommended-needs`).set(actor ? await actAs(t, actor) : {})).status;
    expect(await get(undefined)).toBe(401);
    expect(await get(staffOf(ORG))).toBe(200);
    expect(await get({ id: 'hub-of-org', role: 'hub', organizationId: ORG })).toBe(200);
    expect(await get(staffOf('org-pairing-holder'))).toBe(403);
    expect(await get({ id: 'bureau-lianan', role: 'bureau', scope: '441826' })).toBe(200);
    expect(await get({ id: 'bureau-gz2', role: 'bureau', scope: '4401' })).toBe(403);
    expect(await get({ id: 'auditor-qy', role: 'auditor', scope: '4418' })).toBe(403);
    expect(await get(COORDINATOR)).toBe(403);
    expect(await get({ id: 'admin2', role: 'admin' })).toBe(200);
    expect(await get({ id: 'admin2', role: 'admin' }, 'org-unknown')).toBe(404);
    expect((await t.http().get(`/api/organizations/${ORG}/recommended-needs?limit=0`).set(await actAs(t, staffOf(ORG)))).status).toBe(400);
  });
});

describe('matching: team suggestion, used as it is', () => {
  let t: TestApp;
  const HUB = 'org-sug-hub';
  const hubAdmin: TestActor = { id: 'sug-hub-admin', role: 'hub', organizationId: HUB };
  const TOWN = '441826101'; // 大麦山镇

  beforeAll(async () => {
    process.env.NEED_EXPIRY_SWEEP = 'false';
    t = await startEmbeddedApp();
    await registerOrganizations(t, [
      { id: HUB, name: '清远市社会组织总会', homeDivisionCode: '4418', hubKind: 'hub', categories: ['care'] },
      { id: 'sug-edu-health', homeDivisionCode: TOWN, categories: ['education', 'health'] },
      { id: 'sug-edu', homeDivisionCode: TOWN, categories: ['education'] },
      { id: 'sug-health', homeDivisionCode: TOWN, categories: ['health'] },
      { id: 'sug-plain', homeDivisionCode: '4418', categories: ['care'] },
    ]);
  });
  afterAll(async () => {
    delete process.env.NEED_EXPIRY_SWEEP;
    await t.close();
    removeDir(t.dataDir);
  });

  it('proposes the fewest invitations covering every line item, and its shares are accepted as a team commitment', async () => {
    const goods = (description: string, quantity: number) => ({ kind: 'goods' as const, description, unit: '件', quantity });
    const education = await publishNeed(t, `${TOWN}201`, 'education', { lineItems: [goods('课桌椅', 40), goods('图书', 300)] });
    const health = await publishNeed(t, `${TOWN}201`, 'health', { lineItems: [goods('血压计', 5)] });
    const care = await publishNeed(t, `${TOWN}202`, 'care', { lineItems: [goods('棉被', 50)] });
    await t.projections.waitFor(await t.store.headPosition());
    const hub = await actAs(t, hubAdmin);
    const res = await t.http().post('/api/teams/suggestions').set(hub).send({ hubOrganizationId: HUB, needIds: [education, health, care] }).expect(200);
    expect(res.body).toMatchObject({ method: 'ilp', optimal: true, lineItems: 4, covered: 4, uncovered: [] });
    // One organization serves both education and health; the hub takes the care need itself.
    expect(res.body.invitations.map((i: { organizationId: string }) => i.organizationId)).toEqual(['sug-edu-health']);
    expect(res.body.hub.lineItems).toEqual([expect.objectContaining({ needId: care, lineItemId: 'L1', quantity: 50 })]);

    // A suggestion appends nothing.
    const before = await t.eventCount();
    await t.http().post('/api/teams/suggestions').set(hub).send({ hubOrganizationId: HUB, needIds: [education] }).expect(200);
    expect(await t.eventCount()).toBe(before);
    // Form the team, invite as suggested, and commit with the suggested shares.
    const team = await t.http().post('/api/teams').set(hub).send({ leadOrganizationId: HUB, targetCode: TOWN, title: '大麦山镇组团', categories: ['education', 'health', 'care'], leadShare: 20 }).expect(201);
    for (const invitation of res.body.invitations) {
      await t.http().post(`/api/teams/${team.body.teamId}/invitations`).set(hub).send({ organizationId: invitation.organizationId, role: 'implementing', share: 40 }).expect(201);
      await t.http().post(`/api/teams/${team.body.teamId}/invitations/${invitation.organizationId}/accept`).set(await actAs(t, staffOf(invitation.organizationId))).expect(200);
    }
    await t.projections.waitFor(await t.store.headPosition());
    for (const commitment of res.body.commitments) {
      const offered = await t.http().post(`/api/needs/${commitment.needId}/commitments`).set(hub).send({
        organizationId: HUB, organizationName: '清远市社会组织总会', teamId: team.body.teamId, items: commitment.items, promisedBy: futureDate(30), shares: commitment.shares,
      });
      expect({ needId: commitment.needId, status: offered.status, detail: offered.body.detail }).toEqual({ needId: commitment.needId, status: 201, detail: undefined });
    }
    expect(res.body.commitments).toHaveLength(3);
  });

  it('respects an invitation limit, and is refused to others, to non-hubs and for unknown needs', async () => {
    const need = await publishNeed(t, `${TOWN}203`, 'health', { lineItems: [{ kind: 'goods', description: '轮椅', unit: '辆', quantity: 2 }] });
    await t.projections.waitFor(await t.store.headPosition());
    const hub = await actAs(t, hubAdmin);
    const none = await t.http().post('/api/teams/suggestions').set(hub).send({ hubOrganizationId: HUB, needIds: [need], maxInvitations: 0 }).expect(200);
    expect(none.body).toMatchObject({ covered: 0, invitations: [], uncovered: [expect.objectContaining({ needId: need })] });
    const post = async (actor: TestActor | undefined, body: object) => t.http().post('/api/teams/suggestions').set(actor ? await actAs(t, actor) : {}).send(body);
    expect((await post(undefined, { hubOrganizationId: HUB, needIds: [need] })).status).toBe(401);
    expect((await post(staffOf(HUB), { hubOrganizationId: HUB, needIds: [need] })).status).toBe(403);
    expect((await post({ id: 'other-hub', role: 'hub', organizationId: 'sug-plain' }, { hubOrganizationId: HUB, needIds: [need] })).status).toBe(403);
    expect((await post({ id: 'bureau-qy2', role: 'bureau', scope: '4418' }, { hubOrganizationId: HUB, needIds: [need] })).status).toBe(200);
    expect((await post({ id: 'bureau-sz', role: 'bureau', scope: '4403' }, { hubOrganizationId: HUB, needIds: [need] })).status).toBe(403);
    expect((await post({ id: 'plain-admin', role: 'hub', organizationId: 'sug-plain' }, { hubOrganizationId: 'sug-plain', needIds: [need] })).status).toBe(422);
    expect((await post(hubAdmin, { hubOrganizationId: HUB, needIds: ['no-such-need'] })).status).toBe(422);
    expect((await post(hubAdmin, { hubOrganizationId: HUB, needIds: [] })).status).toBe(400);
    expect((await post(hubAdmin, { hubOrganizationId: 'org-unknown', needIds: [need] })).status).toBe(404);
  });
});
