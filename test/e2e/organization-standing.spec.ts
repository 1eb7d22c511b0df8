import { RegionsService } from '@shecun/regions';
import { actAs, futureDate, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/**
 * Standing enforced by the needs context, end to end through events: the bureau lists an
 * organization as abnormal (organizations context) → the needs context's standings view follows
 * → the needs API refuses the organization's new commitment; restored → it may commit again.
 */
describe('organization standing in the needs API', () => {
  let t: TestApp;
  let village: string;
  let needId: string;
  const bureau = { id: 'mzj-gz-01', role: 'bureau' as const, scope: '4401' };
  const staffOf = (organizationId: string) => ({ id: `staff-${organizationId}`, role: 'organization' as const, organizationId });
  const cadre = () => ({ id: 'cadre-01', role: 'coordinator' as const, scope: village });

  beforeAll(async () => {
    t = await startEmbeddedApp();
    // Sign everyone in up front, so that counting events around a request counts only that request's.
    for (const actor of [bureau, staffOf('org-gz-care'), staffOf('org-gz-gone'), staffOf('org-never-registered')]) await actAs(t, actor);
    village = t.app.get(RegionsService).children('441826105')[0].code;
    await registerOrganizations(t, [{ id: 'org-gz-care', name: '广州市关爱协会' }, { id: 'org-gz-gone', name: '广州市某已注销协会' }]);
    const { body } = await t.http().post('/api/needs').set(await actAs(t, cadre())).send({
      villageCode: village, title: '独居老人暖冬', category: 'care', publish: true,
      lineItems: [{ kind: 'goods', description: '棉被', unit: '床', quantity: 60 }],
    }).expect(201);
    needId = body.needId;
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const offer = async (organizationId: string, quantity = 1) =>
    t.http().post(`/api/needs/${needId}/commitments`).set(await actAs(t, staffOf(organizationId)))
      .send({ organizationId, organizationName: '自报名称', items: [{ lineItemId: 'L1', quantity }], promisedBy: futureDate(10) });

  it('refuses an abnormal-listed organization, and takes it again once restored', async () => {
    const listed = await t.http().post('/api/organizations/org-gz-care/abnormal').set(await actAs(t, bureau)).send({ reason: '未按规定报送年度工作报告' }).expect(200);
    await t.projections.waitFor(listed.body.position);
    const before = await t.eventCount();
    const refused = await offer('org-gz-care');
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.body).toMatchObject({ standing: 'abnormal', detail: expect.stringMatching(/活动异常名录.*listed as abnormal/) });
    expect(await t.eventCount()).toBe(before);

    const restored = await t.http().post('/api/organizations/org-gz-care/restore').set(await actAs(t, bureau)).send({ note: '已补报年报' }).expect(200);
    await t.projections.waitFor(restored.body.position);
    const taken = await offer('org-gz-care', 10);
    expect(taken.status).toBe(201);
    // The commitment carries the registered name, not the one the client sent.
    expect(taken.body.need.commitments[0]).toMatchObject({ organizationId: 'org-gz-care', organizationName: '广州市关爱协会' });
  });

  it('refuses a deregistered organization and an unregistered one', async () => {
    const gone = await t.http().post('/api/organizations/org-gz-gone/deregister').set(await actAs(t, bureau)).send({ reason: '自行解散' }).expect(200);
    await t.projections.waitFor(gone.body.position);
    const before = await t.eventCount();
    const deregistered = await offer('org-gz-gone');
    expect(deregistered.status).toBe(403);
    expect(deregistered.body).toMatchObject({ standing: 'deregistered', detail: expect.stringMatching(/deregistered/) });
    const unknown = await offer('org-never-registered');
    expect(unknown.status).toBe(403);
    expect(unknown.body).toMatchObject({ standing: 'unregistered', detail: expect.stringMatching(/not registered/) });
    expect(await t.eventCount()).toBe(before);
  });

  it('lets an organization listed after committing still deliver, but not commit anew', async () => {
    const { body: need } = await t.http().post('/api/needs').set(await actAs(t, cadre())).send({
      villageCode: village, title: '取暖器', category: 'care', publish: true, autoAccept: true,
      lineItems: [{ kind: 'goods', description: '取暖器', unit: '台', quantity: 5 }],
    }).expect(201);
    await registerOrganizations(t, [{ id: 'org-gz-heat', name: '广州市暖心协会' }]);
    const staff = await actAs(t, staffOf('org-gz-heat'));
    const { body: c } = await t.http().post(`/api/needs/${need.needId}/commitments`).set(staff)
      .send({ organizationId: 'org-gz-heat', organizationName: '广州市暖心协会', items: [{ lineItemId: 'L1', quantity: 5 }], promisedBy: futureDate(5) }).expect(201);
    const listed = await t.http().post('/api/organizations/org-gz-heat/abnormal').set(await actAs(t, bureau)).send({ reason: '年检不合格' }).expect(200);
    await t.projections.waitFor(listed.body.position);
    await t.http().post(`/api/needs/${need.needId}/commitments/${c.commitmentId}/deliveries`).set(staff)
      .send({ items: [{ lineItemId: 'L1', quantity: 5 }], evidence: [{ kind: 'photo', ref: 'heaters.jpg' }] }).expect(201);
  });
});
