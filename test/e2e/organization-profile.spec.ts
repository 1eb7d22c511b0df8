import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '@shecun/core';
import { ExecuteNeedCommand, NeedCommand } from '@shecun/needs';
import { RegionsService } from '@shecun/regions';
import { randomUUID } from 'node:crypto';
import { actAs, COORDINATOR, futureDate, removeDir, startEmbeddedApp, staffOf, TestActor, TestApp } from '../support/embedded-app';
import { PROVINCE_BUREAU, registerOrganizations } from '../support/organizations';

/**
 * GET /api/organizations/{id}/profile: the registry entry with pairings, teams, commitments and the
 * delivery record, from read models, each part seen by whom its own route shows it to.
 */
describe('organization profile over HTTP (embedded)', () => {
  let t: TestApp;
  const TOWN = '441826105'; // 三排镇, 连南, 清远
  const hubAdmin: TestActor = { id: 'hub-admin-prof', role: 'hub', organizationId: 'org-pf-hub' };
  const qingyuanBureau: TestActor = { id: 'mzj-qy-prof', role: 'bureau', scope: '4418' };
  const guangzhouBureau: TestActor = { id: 'mzj-gz-prof', role: 'bureau', scope: '4401' };
  const qingyuanAuditor: TestActor = { id: 'audit-qy-prof', role: 'auditor', scope: '4418' };
  const admin: TestActor = { id: 'admin-prof', role: 'admin' };
  let villages: string[] = [];
  let teamId = '';

  const profile = async (id: string, actor?: TestActor) => {
    const res = await t.http().get(`/api/organizations/${id}/profile`).set(actor ? await actAs(t, actor) : {});
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    t = await startEmbeddedApp();
    for (const actor of [hubAdmin, qingyuanBureau, guangzhouBureau, qingyuanAuditor, admin, COORDINATOR, PROVINCE_BUREAU, ...['org-pf-hub', 'org-pf-edu', 'org-pf-other'].map(staffOf)]) {
      await actAs(t, actor);
    }
    villages = t.app.get(RegionsService).children(TOWN).slice(0, 6).map((v) => v.code);
    await registerOrganizations(t, [
      { id: 'org-pf-hub', name: '广州市社会组织联合会', hubKind: 'hub', categories: ['education', 'care'] },
      { id: 'org-pf-edu', name: '广州市教育基金会', type: 'foundation' },
      { id: 'org-pf-other', name: '广州市其他协会' },
    ]);
    const province = await actAs(t, PROVINCE_BUREAU);

    // Pairings: one active, one proposed.
    for (const [i, village] of villages.slice(0, 2).entries()) {
      const proposed = await t.http().post('/api/pairings').set(province)
        .send({ organizationId: 'org-pf-hub', targetCode: village, startDate: futureDate(-1), endDate: futureDate(365), categories: ['education'] }).expect(201);
      if (i === 0) await t.http().post(`/api/pairings/${proposed.body.pairingId}/confirm`).set(province).expect(200);
    }

    // A team led by the hub, which org-pf-edu joins; a second team org-pf-edu is only invited to.
    const hub = await actAs(t, hubAdmin);
    const formed = await t.http().post('/api/teams').set(hub).send({ leadOrganizationId: 'org-pf-hub', targetCode: TOWN, title: '三排镇助学组团', categories: ['education'], leadShare: 40 }).expect(201);
    teamId = formed.body.teamId;
    await t.http().post(`/api/teams/${teamId}/invitations`).set(hub).send({ organizationId: 'org-pf-edu', role: 'funding', share: 60 }).expect(201);
    const joined = await t.http().post(`/api/teams/${teamId}/invitations/org-pf-edu/accept`).set(await actAs(t, staffOf('org-pf-edu'))).expect(200);
    const second = await t.http().post('/api/teams').set(hub).send({ leadOrganizationId: 'org-pf-hub', targetCode: TOWN, title: '三排镇关爱组团', categories: ['care'], leadShare: 50 }).expect(201);
    await t.http().post(`/api/teams/${second.body.teamId}/invitations`).set(hub).send({ organizationId: 'org-pf-edu', role: 'implementing', share: 20 }).expect(201);
    await t.projections.waitFor(joined.body.position);

    // Commitments of the hub in 三排镇, one in each state the record counts, through the command path.
    const bus = t.app.get(CommandBus);
    const coordinator: Actor = { id: 'cadre-prof', role: 'coordinator', scope: TOWN };
    const staff: Actor = { id: 'staff-prof', role: 'hub', organizationId: 'org-pf-hub' };
    const goods = [{ kind: 'goods' as const, description: '课桌椅', unit: '套', quantity: 10 }];
    const needIn = async (village: string, at?: Date) => {
      const needId = randomUUID();
      const run = (actor: Actor, command: NeedCommand, when = at) =>
        bus.execute(new ExecuteNeedCommand(needId, command, { actor, commandId: randomUUID(), correlationId: randomUUID() }, when));
      await run(coordinator, { type: 'DraftNeed', needId, villageCode: village, title: '村小课桌椅', description: '', category: 'education', lineItems: goods, dueDate: futureDate(90), autoAccept: false, publish: true });
      return run;
    };
    const offer = (id: string, promisedBy = futureDate(20)): NeedCommand => ({
      type: 'OfferCommitment', commitmentId: id, organizationId: 'org-pf-hub', organizationName: '广州市社会组织联合会', items: [{ lineItemId: 'L1', quantity: 4 }], promisedBy, note: '',
    });
    // confirmed: offered, accepted, delivered and confirmed.
    let run = await needIn(villages[2]);
    await run(staff, offer('c-confirmed'));
    await run(coordinator, { type: 'AcceptCommitment', commitmentId: 'c-confirmed' });
    await run(staff, { type: 'RecordDelivery', commitmentId: 'c-confirmed', deliveryId: 'd1', items: [{ lineItemId: 'L1', quantity: 4 }], evidence: [{ kind: 'photo', ref: 'a.jpg' }], note: '' });
    await run(coordinator, { type: 'ConfirmDelivery', commitmentId: 'c-confirmed', deliveryId: 'd1', note: '' });
    // delivered, not yet confirmed; plus a withdrawn and a declined one on the same need.
    run = await needIn(villages[3]);
    await run(staff, offer('c-delivered'));
    await run(coordinator, { type: 'AcceptCommitment', commitmentId: 'c-delivered' });
    await run(staff, { type: 'RecordDelivery', commitmentId: 'c-delivered', deliveryId: 'd2', items: [{ lineItemId: 'L1', quantity: 2 }], evidence: [{ kind: 'photo', ref: 'b.jpg' }], note: '' });
    run = await needIn(villages[4]);
    await run(staff, offer('c-withdrawn'));
    await run(coordinator, { type: 'AcceptCommitment', commitmentId: 'c-withdrawn' });
    await run(staff, { type: 'WithdrawCommitment', commitmentId: 'c-withdrawn', reason: '资金未到位' });
    await run(staff, offer('c-declined'));
    await run(coordinator, { type: 'DeclineCommitment', commitmentId: 'c-declined', reason: '时间不合适' });
    // overdue: accepted 40 days ago, promised 35 days ago, never delivered.
    const past = new Date(Date.now() - 40 * 86_400_000);
    run = await needIn(villages[5], past);
    await run(staff, offer('c-overdue', futureDate(-35)));
    await run(coordinator, { type: 'AcceptCommitment', commitmentId: 'c-overdue' });
    // A team commitment with a share for org-pf-edu, still offered.
    const need = await t.http().post('/api/needs').set(await actAs(t, COORDINATOR))
      .send({ villageCode: villages[0], title: '助学金', category: 'education', publish: true, dueDate: futureDate(90), lineItems: [{ kind: 'funds', description: '助学金', quantity: 100_000 }] }).expect(201);
    const teamCommitment = await t.http().post(`/api/needs/${need.body.needId}/commitments`).set(hub).send({
      organizationId: 'org-pf-hub', organizationName: '广州市社会组织联合会', teamId, items: [{ lineItemId: 'L1', quantity: 100_000 }], promisedBy: futureDate(30),
      shares: [{ organizationId: 'org-pf-hub', items: [{ lineItemId: 'L1', quantity: 40_000 }] }, { organizationId: 'org-pf-edu', items: [{ lineItemId: 'L1', quantity: 60_000 }] }],
    }).expect(201);
    await t.projections.waitFor(teamCommitment.body.position);
    await t.projections.waitFor(await t.store.headPosition());
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('shows anyone the registry entry, pairings and teams, but not the commitments', async () => {
    const body = await profile('org-pf-hub');
    expect(body.organization).toMatchObject({ id: 'org-pf-hub', name: '广州市社会组织联合会', isHub: true, standing: 'normal', contact: {}, memberUnits: [] });
    expect(body.pairings.total).toBe(2);
    expect(body.pairings.active).toBe(1);
    expect(body.pairings.items.map((p: { targetCode: string; status: string }) => [p.targetCode, p.status]).sort()).toEqual([[villages[0], 'active'], [villages[1], 'proposed']]);
    expect(body.teams.total).toBe(2);
    expect(body.teams.items.map((x: { title: string; membership: string; role: string; share: number }) => [x.title, x.membership, x.role, x.share]).sort()).toEqual([
      ['三排镇关爱组团', 'lead', 'lead', 50],
      ['三排镇助学组团', 'lead', 'lead', 40],
    ]);
    expect(body.commitments).toBeNull();
    expect(body.deliveryRecord).toBeNull();
  });

  it('gives the organization’s own staff its commitments and delivery record', async () => {
    const body = await profile('org-pf-hub', hubAdmin);
    expect(body.deliveryRecord).toEqual({ offered: 6, accepted: 4, delivered: 2, confirmed: 1, withdrawn: 1, declined: 1, overdue: 1 });
    expect(body.commitments.total).toBe(6);
    const byId = Object.fromEntries(body.commitments.items.map((c: { id: string }) => [c.id, c]));
    expect(byId['c-confirmed']).toMatchObject({ status: 'delivered', deliveryCount: 1, overdue: false });
    expect(byId['c-overdue']).toMatchObject({ status: 'accepted', overdue: true });
    const team = body.commitments.items.find((c: { team: unknown }) => c.team);
    expect(team).toMatchObject({ status: 'offered', team: { teamId, title: '三排镇助学组团', memberIds: ['org-pf-hub', 'org-pf-edu'] } });
    // Same answer for the organization's plain staff.
    expect((await profile('org-pf-hub', staffOf('org-pf-hub'))).deliveryRecord).toEqual(body.deliveryRecord);
  });

  it('shows a member its teams (member and invited) and the team commitment it has a share in', async () => {
    const body = await profile('org-pf-edu', staffOf('org-pf-edu'));
    expect(body.pairings).toMatchObject({ total: 0, active: 0, items: [] });
    expect(body.teams.items.map((x: { title: string; membership: string; role: string; share: number; leadOrganizationId: string }) => [x.title, x.membership, x.role, x.share, x.leadOrganizationId]).sort()).toEqual([
      ['三排镇关爱组团', 'invited', 'implementing', 20, 'org-pf-hub'],
      ['三排镇助学组团', 'member', 'funding', 60, 'org-pf-hub'],
    ]);
    expect(body.commitments.items.map((c: { team: { teamId: string } }) => c.team?.teamId)).toEqual([teamId]);
    expect(body.deliveryRecord).toEqual({ offered: 1, accepted: 0, delivered: 0, confirmed: 0, withdrawn: 0, declined: 0, overdue: 0 });
  });

  it('limits bureau staff and auditors to commitments within their scope; others see none', async () => {
    for (const actor of [qingyuanBureau, qingyuanAuditor, admin]) {
      expect((await profile('org-pf-hub', actor)).deliveryRecord).toMatchObject({ offered: 6, overdue: 1 });
    }
    // Guangzhou's bureau registered the hub, but its commitments are all in 清远: none within scope.
    const guangzhou = await profile('org-pf-hub', guangzhouBureau);
    expect(guangzhou.commitments).toEqual({ total: 0, items: [] });
    expect(guangzhou.deliveryRecord).toEqual({ offered: 0, accepted: 0, delivered: 0, confirmed: 0, withdrawn: 0, declined: 0, overdue: 0 });
    for (const actor of [COORDINATOR, staffOf('org-pf-other')]) {
      const body = await profile('org-pf-hub', actor);
      expect({ commitments: body.commitments, deliveryRecord: body.deliveryRecord, pairings: body.pairings.total, teams: body.teams.total }).toEqual({ commitments: null, deliveryRecord: null, pairings: 2, teams: 2 });
    }
  });

  it('answers 404 for an unknown organization and 400 for a malformed id, as problem+json', async () => {
    const missing = await t.http().get('/api/organizations/org-nope/profile').expect(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.body.detail).toMatch(/organization not found/);
    const bad = await t.http().get(`/api/organizations/${encodeURIComponent('a b')}/profile`);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
