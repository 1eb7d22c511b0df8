import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '@shecun/core';
import { ExecuteNeedCommand, NeedCommand } from '@shecun/needs';
import { randomUUID } from 'node:crypto';
import { actAs, COORDINATOR, futureDate, removeDir, startEmbeddedApp, staffOf, TestActor, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/**
 * Claim hygiene (Crisis Cleanup): a holder hands an accepted commitment to another organization,
 * the receiver's staff accept, the coordinator sees it in the need's history and flagged in their
 * views; overdue commitments are listed for coordinators and bureau staff within their scope.
 */
describe('commitment handovers and overdue lists over HTTP (embedded)', () => {
  let t: TestApp;
  const qingyuan: TestActor = { id: 'mzj-qy-handover', role: 'bureau', scope: '4418' };
  const guangzhou: TestActor = { id: 'mzj-gz-handover', role: 'bureau', scope: '4401' };
  const auditor: TestActor = { id: 'audit-qy-handover', role: 'auditor', scope: '4418' };
  const otherCoordinator: TestActor = { id: 'cadre-other-town', role: 'coordinator', scope: '441826106' };
  const ORGS = ['org-h-a', 'org-h-b', 'org-h-bad', 'org-h-late'];

  beforeAll(async () => {
    process.env.NEED_EXPIRY_SWEEP = 'false';
    t = await startEmbeddedApp();
    for (const actor of [qingyuan, guangzhou, auditor, otherCoordinator, COORDINATOR, ...ORGS.map(staffOf)]) await actAs(t, actor);
    await registerOrganizations(t, [
      { id: 'org-h-a', name: '广州市甲志愿者协会' },
      { id: 'org-h-b', name: '广州市乙公益服务中心', type: 'social_service_institution' },
      { id: 'org-h-bad', name: '广州市某异常协会' },
      { id: 'org-h-late', name: '广州市迟交协会' },
    ]);
    const listed = await t.http().post('/api/organizations/org-h-bad/abnormal').set(await actAs(t, guangzhou)).send({ reason: '未报送年报' }).expect(200);
    await t.projections.waitFor(listed.body.position);
  });
  afterAll(async () => {
    delete process.env.NEED_EXPIRY_SWEEP;
    await t.close();
    removeDir(t.dataDir);
  });

  async function acceptedCommitment(village: string, organizationId: string) {
    const need = await t.http().post('/api/needs').set(await actAs(t, COORDINATOR)).send({
      villageCode: village, title: '村道照明', category: 'industry', publish: true, lineItems: [{ kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 10 }],
    }).expect(201);
    await t.projections.waitFor(need.body.position);
    const offered = await t.http().post(`/api/needs/${need.body.needId}/commitments`).set(await actAs(t, staffOf(organizationId)))
      .send({ organizationId, organizationName: 'x', items: [{ lineItemId: 'L1', quantity: 6 }], promisedBy: futureDate(20) }).expect(201);
    const accepted = await t.http().post(`/api/needs/${need.body.needId}/commitments/${offered.body.commitmentId}/accept`).set(await actAs(t, COORDINATOR)).expect(200);
    await t.projections.waitFor(accepted.body.position);
    return { needId: need.body.needId as string, cid: offered.body.commitmentId as string };
  }

  it('requested by the holder, accepted by the receiver: the receiver holds it and the coordinator is notified', async () => {
    const { needId, cid } = await acceptedCommitment('441826105201', 'org-h-a');
    const holder = await actAs(t, staffOf('org-h-a'));
    const path = `/api/needs/${needId}/commitments/${cid}/handover`;

    const before = await t.eventCount();
    const toAbnormal = await t.http().post(path).set(holder).send({ toOrganizationId: 'org-h-bad', reason: '人手调整' });
    expect(toAbnormal.status).toBe(403);
    expect(toAbnormal.body.detail).toMatch(/receiving organization is listed as abnormal/);
    expect((await t.http().post(path).set(holder).send({ toOrganizationId: 'org-nobody', reason: '人手调整' })).status).toBe(403);
    expect((await t.http().post(path).set(await actAs(t, staffOf('org-h-b'))).send({ toOrganizationId: 'org-h-b', reason: '抢单' })).status).toBe(403);
    expect((await t.http().post(path).set(await actAs(t, COORDINATOR)).send({ toOrganizationId: 'org-h-b', reason: 'x' })).status).toBe(403);
    expect((await t.http().post(path).set(holder).send({ toOrganizationId: 'org-h-b' })).status).toBe(400);
    expect((await t.http().post(`${path}/accept`).set(await actAs(t, staffOf('org-h-b')))).status).toBe(404);
    expect(await t.eventCount()).toBe(before);

    const requested = await t.http().post(path).set(holder).send({ toOrganizationId: 'org-h-b', reason: '项目人员调往他处' }).expect(200);
    expect(requested.body.need.commitments[0].pendingHandover).toMatchObject({ toOrganizationId: 'org-h-b', toOrganizationName: '广州市乙公益服务中心' });
    expect((await t.http().post(path).set(holder).send({ toOrganizationId: 'org-h-b', reason: '再来一次' })).status).toBe(409);
    expect((await t.http().post(`${path}/accept`).set(holder)).status).toBe(403);
    const accepted = await t.http().post(`${path}/accept`).set(await actAs(t, staffOf('org-h-b'))).expect(200);
    expect(accepted.body.need.commitments[0]).toMatchObject({ organizationId: 'org-h-b', organizationName: '广州市乙公益服务中心', status: 'accepted', handedOver: true, pendingHandover: null });
    await t.projections.waitFor(accepted.body.position);

    const coordinator = await actAs(t, COORDINATOR);
    const history = await t.http().get(`/api/needs/${needId}/events`).set(coordinator).expect(200);
    expect(history.body.map((e: { type: string }) => e.type)).toEqual(['NeedDrafted', 'NeedPublished', 'CommitmentOffered', 'CommitmentAccepted', 'CommitmentHandoverRequested', 'CommitmentHandedOver']);
    expect(history.body[5]).toMatchObject({ actor: { role: 'organization', organizationId: 'org-h-b' }, data: { fromOrganizationId: 'org-h-a', toOrganizationId: 'org-h-b', reason: '项目人员调往他处' } });
    const list = await t.http().get('/api/needs').query({ division: '441826105201' }).set(coordinator).expect(200);
    expect(list.body.items.find((n: { id: string }) => n.id === needId)).toMatchObject({ handedOverCount: 1, pendingHandoverCount: 0 });
    const mine = await t.http().get('/api/commitments').set(coordinator).expect(200);
    expect(mine.body.items.find((c: { id: string }) => c.id === cid)).toMatchObject({ organizationId: 'org-h-b', handedOver: true, handoverPendingTo: null, overdue: false });

    // The new holder delivers; the former one no longer may.
    const delivery = { items: [{ lineItemId: 'L1', quantity: 6 }], evidence: [{ kind: 'photo', ref: 'files/lamps.jpg' }] };
    expect((await t.http().post(`/api/needs/${needId}/commitments/${cid}/deliveries`).set(holder).send(delivery)).status).toBe(403);
    await t.http().post(`/api/needs/${needId}/commitments/${cid}/deliveries`).set(await actAs(t, staffOf('org-h-b'))).send(delivery).expect(201);
  });

  it('declined by the receiver or called off by the holder; a pending handover shows to the coordinator', async () => {
    const { needId, cid } = await acceptedCommitment('441826105202', 'org-h-a');
    const holder = await actAs(t, staffOf('org-h-a'));
    const path = `/api/needs/${needId}/commitments/${cid}/handover`;
    const requested = await t.http().post(path).set(holder).send({ toOrganizationId: 'org-h-b', reason: '人手调整' }).expect(200);
    await t.projections.waitFor(requested.body.position);
    const list = await t.http().get('/api/needs').query({ division: '441826105202' }).set(await actAs(t, COORDINATOR)).expect(200);
    expect(list.body.items[0]).toMatchObject({ pendingHandoverCount: 1, handedOverCount: 0 });
    expect((await t.http().post(`${path}/decline`).set(await actAs(t, staffOf('org-h-late'))).send({})).status).toBe(403);
    const declined = await t.http().post(`${path}/decline`).set(await actAs(t, staffOf('org-h-b'))).send({ reason: '暂无力承接' }).expect(200);
    expect(declined.body.events).toEqual([expect.objectContaining({ type: 'CommitmentHandoverDeclined' })]);
    await t.http().post(path).set(holder).send({ toOrganizationId: 'org-h-b', reason: '再次请求' }).expect(200);
    const calledOff = await t.http().post(`${path}/decline`).set(holder).send({}).expect(200);
    expect(calledOff.body.need.commitments[0]).toMatchObject({ organizationId: 'org-h-a', pendingHandover: null, handedOver: false });
  });

  it('lists overdue commitments for coordinators of their own villages and bureau staff and auditors within scope', async () => {
    // A commitment accepted 40 days ago, promised 35 days ago, not delivered: overdue.
    const bus = t.app.get(CommandBus);
    const needId = randomUUID();
    const cid = `c-late-${randomUUID().slice(0, 8)}`;
    const past = new Date(Date.now() - 40 * 86_400_000);
    const run = (actor: Actor, command: NeedCommand) => bus.execute(new ExecuteNeedCommand(needId, command, { actor, commandId: randomUUID(), correlationId: randomUUID() }, past));
    const coordinatorActor: Actor = { id: 'late-coordinator', role: 'coordinator', scope: '441826105' };
    await run(coordinatorActor, {
      type: 'DraftNeed', needId, villageCode: '441826105203', title: '村小课桌椅', description: '', category: 'education',
      lineItems: [{ kind: 'goods', description: '课桌椅', unit: '套', quantity: 40 }], dueDate: null, autoAccept: false, publish: true,
    });
    await run({ id: 'late-staff', role: 'organization', organizationId: 'org-h-late' }, {
      type: 'OfferCommitment', commitmentId: cid, organizationId: 'org-h-late', organizationName: '', items: [{ lineItemId: 'L1', quantity: 40 }],
      promisedBy: new Date(Date.now() - 35 * 86_400_000).toISOString().slice(0, 10), note: '',
    });
    await run(coordinatorActor, { type: 'AcceptCommitment', commitmentId: cid });
    await t.projections.waitFor(await t.store.headPosition());

    const overdueFor = async (actor: TestActor) => {
      const res = await t.http().get('/api/commitments').query({ overdue: 'true' }).set(await actAs(t, actor)).expect(200);
      return res.body.items.map((c: { id: string; overdue: boolean }) => [c.id, c.overdue]);
    };
    expect(await overdueFor(COORDINATOR)).toEqual([[cid, true]]);
    expect(await overdueFor(qingyuan)).toEqual([[cid, true]]);
    expect(await overdueFor(auditor)).toEqual([[cid, true]]);
    expect(await overdueFor(staffOf('org-h-late'))).toEqual([[cid, true]]);
    expect(await overdueFor(otherCoordinator)).toEqual([]);
    expect(await overdueFor(guangzhou)).toEqual([]);
    expect(await overdueFor(staffOf('org-h-a'))).toEqual([]);
    expect(await overdueFor({ id: 'admin-handover', role: 'admin' })).toEqual([[cid, true]]);
    const narrowed = await t.http().get('/api/commitments').query({ overdue: 'true', division: '441826106' }).set(await actAs(t, qingyuan)).expect(200);
    expect(narrowed.body.total).toBe(0);
    const notOverdue = await t.http().get('/api/commitments').query({ overdue: 'false' }).set(await actAs(t, COORDINATOR)).expect(200);
    expect(notOverdue.body.items.map((c: { id: string }) => c.id)).not.toContain(cid);
    expect(notOverdue.body.total).toBeGreaterThan(0);
    expect((await t.http().get('/api/commitments').query({ overdue: 'yes' }).set(await actAs(t, qingyuan))).status).toBe(400);
    expect((await t.http().get('/api/commitments')).status).toBe(401);
    // The need list and detail agree.
    const detail = await t.http().get(`/api/needs/${needId}`).set(await actAs(t, qingyuan)).expect(200);
    expect(detail.body.commitments[0]).toMatchObject({ id: cid, overdue: true });
  });
});
