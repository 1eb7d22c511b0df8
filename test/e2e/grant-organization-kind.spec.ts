import { IdentityService } from '@shecun/identity';
import { actAs, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';
import { PROVINCE_BUREAU, registerOrganizations } from '../support/organizations';

/** A grant fits what its organization is: hub grants only for hubs; a deregistered organization takes no new grant. */
describe('grants and what the organization is', () => {
  let t: TestApp;
  const ADMIN = { id: 'kind-admin', role: 'admin' as const };
  let userId: string;

  beforeAll(async () => {
    t = await startEmbeddedApp();
    await registerOrganizations(t, [
      { id: 'org-kind-hub', homeDivisionCode: '4418', hubKind: 'hub' },
      { id: 'org-kind-plain', homeDivisionCode: '4418' },
    ]);
    const account = await t.app.get(IdentityService).provision({ username: 'kind-user', displayName: '测试', passwordHash: 'x', grant: { role: 'coordinator', scope: '441826105' } }, 'test/kind');
    userId = account.userId;
    await t.projections.waitFor(account.position!);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const give = async (grant: object) => t.http().post(`/api/users/${userId}/grants`).set(await actAs(t, ADMIN)).send(grant);

  it('gives hub grants for a hub, refuses them for an organization that is not one, appending nothing', async () => {
    expect((await give({ role: 'hub', organizationId: 'org-kind-hub' })).status).toBe(201);
    const before = await t.eventCount();
    const refused = await give({ role: 'hub', organizationId: 'org-kind-plain' });
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.detail).toMatch(/不是枢纽型社会组织/);
    expect(await t.eventCount()).toBe(before);
  });

  it('refuses new grants for a deregistered organization; its grants can still be revoked', async () => {
    const staff = await give({ role: 'organization', organizationId: 'org-kind-plain' });
    expect(staff.status).toBe(201);
    const deregistered = await t.http().post('/api/organizations/org-kind-plain/deregister').set(await actAs(t, PROVINCE_BUREAU)).send({ reason: '自行解散' });
    expect(deregistered.status).toBe(200);
    await t.projections.waitFor(deregistered.body.position);
    const before = await t.eventCount();
    const refused = await give({ role: 'organization', organizationId: 'org-kind-plain', organizationAdmin: true });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/已注销/);
    expect(await t.eventCount()).toBe(before);
    const revoked = await t.http().post(`/api/users/${userId}/grants/${staff.body.grantId}/revoke`).set(await actAs(t, ADMIN)).send({ reason: '组织注销' });
    expect(revoked.status).toBe(200);
  });
});
