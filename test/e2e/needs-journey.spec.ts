import { RegionsService } from '@shecun/regions';
import { actAs, COORDINATOR, futureDate, staffOf, removeDir, startEmbeddedApp, TestApp, userIdOf } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/** The first vertical slice over real HTTP, SQLite event store and SQLite read models. */
describe('needs → 接单 → delivery over HTTP (embedded)', () => {
  let t: TestApp;
  let village: string;
  let coordinator: Record<string, string>;
  beforeAll(async () => {
    t = await startEmbeddedApp();
    coordinator = await actAs(t, COORDINATOR);
    village = t.app.get(RegionsService).children('441826105')[0].code; // a village of 三排镇, 连南
    await registerOrganizations(t, [
      { id: 'org-gz-edu', name: '广州市教育基金会', type: 'foundation' },
      { id: 'org-mz-health', name: '梅州市医疗援助协会', homeDivisionCode: '4414', categories: ['health'] },
    ]);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const needBody = (over: Record<string, unknown> = {}) => ({
    villageCode: village,
    title: '三排镇中心小学课桌椅更新',
    description: '学校现有课桌椅已使用十余年',
    category: 'education',
    lineItems: [
      { kind: 'goods', description: '学生课桌椅', unit: '套', quantity: 120, estimatedValueFen: 3_600_000 },
      { kind: 'funds', description: '运输安装费', quantity: 500_000 },
    ],
    dueDate: futureDate(60),
    publish: true,
    ...over,
  });

  it('runs the whole journey, and the read model and history follow', async () => {
    const created = await t.http().post('/api/needs').set(coordinator).send(needBody()).expect(201);
    const needId = created.body.needId;
    expect(created.body.need.status).toBe('published');
    expect(created.body.need.lineItems.map((li: { id: string; unit: string }) => [li.id, li.unit])).toEqual([
      ['L1', '套'],
      ['L2', '分'],
    ]);

    const orgA = await actAs(t, staffOf('org-gz-edu'));
    const offered = await t.http().post(`/api/needs/${needId}/commitments`).set(orgA).send({
      organizationId: 'org-gz-edu',
      organizationName: '广州市教育基金会',
      items: [{ lineItemId: 'L1', quantity: 120 }, { lineItemId: 'L2', quantity: 500_000 }],
      promisedBy: futureDate(20),
    }).expect(201);
    const cid = offered.body.commitmentId;
    expect(offered.body.need.commitments[0].status).toBe('offered');

    const accepted = await t.http().post(`/api/needs/${needId}/commitments/${cid}/accept`).set(coordinator).expect(200);
    expect(accepted.body.need.status).toBe('fully_committed');

    const delivered = await t.http().post(`/api/needs/${needId}/commitments/${cid}/deliveries`).set(orgA).send({
      items: [{ lineItemId: 'L1', quantity: 120 }, { lineItemId: 'L2', quantity: 500_000 }],
      evidence: [{ kind: 'photo', ref: 'files/handover-01.jpg', note: '交接现场' }, { kind: 'receipt', ref: 'RCPT-2026-0042' }],
      note: '已全部送达',
    }).expect(201);
    const did = delivered.body.deliveryId;

    await t.http().post(`/api/needs/${needId}/commitments/${cid}/deliveries/${did}/confirm`).set(coordinator).send({ note: '已验收' }).expect(200);
    await t.http().post(`/api/needs/${needId}/fulfil`).set(coordinator).send({ note: '完成' }).expect(200);
    const closed = await t.http().post(`/api/needs/${needId}/close`).set(coordinator).send({}).expect(200);

    const detail = await t.http().get(`/api/needs/${needId}`).set(coordinator).set('X-Min-Position', String(closed.body.position)).expect(200);
    expect(detail.body.status).toBe('closed');
    expect(detail.body.lineItems.map((li: { delivered: number }) => li.delivered)).toEqual([120, 500_000]);
    expect(detail.body.commitments[0].status).toBe('delivered');

    const history = await t.http().get(`/api/needs/${needId}/events`).set(coordinator).expect(200);
    expect(history.body.map((e: { type: string }) => e.type)).toEqual([
      'NeedDrafted', 'NeedPublished', 'CommitmentOffered', 'CommitmentAccepted', 'DeliveryRecorded', 'DeliveryConfirmed', 'NeedFulfilled', 'NeedClosed',
    ]);
    expect(history.body[2].actor).toEqual({ id: userIdOf(staffOf('org-gz-edu')), role: 'organization', organizationId: 'org-gz-edu' });
    expect(history.body[0].actor.role).toBe('coordinator');
    for (const e of history.body) {
      expect(e.correlationId).toEqual(expect.any(String));
      expect(e.causationId).toEqual(expect.any(String));
      expect(Date.parse(e.occurredAt)).not.toBeNaN();
    }

    const list = await t.http().get('/api/needs').set(coordinator).query({ division: village.slice(0, 6), status: 'closed' }).expect(200);
    expect(list.body.items.map((n: { id: string }) => n.id)).toContain(needId);
    const orgCommitments = await t.http().get('/api/organizations/org-gz-edu/commitments').set(orgA).expect(200);
    expect(orgCommitments.body[0]).toMatchObject({ id: cid, status: 'delivered', needTitle: '三排镇中心小学课桌椅更新' });
  });

  it('declines, withdraws and revises with the expected statuses', async () => {
    const { body } = await t.http().post('/api/needs').set(coordinator).send(needBody({ publish: false })).expect(201);
    const needId = body.needId;
    expect(body.need.status).toBe('draft');
    await t.http().post(`/api/needs/${needId}/publish`).set(coordinator).expect(200);
    const orgB = await actAs(t, staffOf('org-mz-health'));
    const { body: offer } = await t.http().post(`/api/needs/${needId}/commitments`).set(orgB)
      .send({ organizationId: 'org-mz-health', organizationName: '梅州市医疗援助协会', items: [{ lineItemId: 'L1', quantity: 60 }], promisedBy: futureDate(10) })
      .expect(201);
    const declined = await t.http().post(`/api/needs/${needId}/commitments/${offer.commitmentId}/decline`).set(coordinator).send({ reason: '不符合需求' }).expect(200);
    const { headers: read } = await t.http().get(`/api/needs/${needId}`).set(coordinator).set('X-Min-Position', String(declined.body.position)).expect(200);
    const revised = await t.http().post(`/api/needs/${needId}/revise`).set(coordinator).set('If-Match', read.etag)
      .send({ ...needBody(), villageCode: undefined, publish: undefined, reason: '学生人数增加', lineItems: [{ id: 'L1', kind: 'goods', description: '学生课桌椅', unit: '套', quantity: 150 }] })
      .expect(200);
    expect(revised.body.need.lineItems).toHaveLength(1);
    expect(revised.body.need.lineItems[0].quantity).toBe(150);
    const withdrawn = await t.http().post(`/api/needs/${needId}/withdraw`).set(coordinator).send({ reason: '已由县财政解决' }).expect(200);
    expect(withdrawn.body.need.status).toBe('withdrawn');
  });
});
