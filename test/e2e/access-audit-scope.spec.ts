import { IdentityService } from '@shecun/identity';
import { actAs, removeDir, startEmbeddedApp, TestActor, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/**
 * The access audit shows bureau staff and auditors only rows of their scope: grants of
 * organizations registered within their division, not every organization grant in the province;
 * rows that name no scope or organization ("sign out everywhere", admin grants) only to administrators.
 */
describe('access audit scope', () => {
  let t: TestApp;
  const ADMIN = { id: 'audit-admin', role: 'admin' as const };
  const QINGYUAN_BUREAU = { id: 'qy-bureau-audit', role: 'bureau' as const, scope: '4418' };
  const QINGYUAN_AUDITOR = { id: 'qy-auditor-audit', role: 'auditor' as const, scope: '4418' };

  beforeAll(async () => {
    t = await startEmbeddedApp();
    await registerOrganizations(t, [
      { id: 'org-audit-gz', homeDivisionCode: '4401' },
      { id: 'org-audit-qy', homeDivisionCode: '441802' },
    ]);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('bureau staff and auditors see grants of organizations registered in their division, administrators all', async () => {
    const identity = t.app.get(IdentityService);
    const gz = await identity.provision({ username: 'staff-audit-gz', displayName: '广州', passwordHash: 'x', grant: { role: 'organization', organizationId: 'org-audit-gz', organizationAdmin: true } }, 'test/audit-scope/gz');
    const qy = await identity.provision({ username: 'staff-audit-qy', displayName: '清远', passwordHash: 'x', grant: { role: 'organization', organizationId: 'org-audit-qy' } }, 'test/audit-scope/qy');
    await t.http().post(`/api/users/${gz.userId}/sessions/revoke`).set(await actAs(t, ADMIN)).send({ reason: '手机遗失' }).expect(200);
    await t.projections.waitFor(await t.store.headPosition());

    const rows = async (actor: TestActor) =>
      (await t.http().get('/api/audit/access?limit=200').set(await actAs(t, actor)).expect(200)).body.items as { action: string; subjectId: string; organizationId: string | null }[];
    const concerning = (items: { subjectId: string }[], userId: string) => items.filter((r) => r.subjectId === userId);

    const admin = await rows(ADMIN);
    expect(concerning(admin, gz.userId).map((r) => r.action).sort()).toEqual(['grant-given', 'sessions-revoked']);
    expect(concerning(admin, qy.userId).map((r) => r.action)).toEqual(['grant-given']);
    for (const actor of [QINGYUAN_BUREAU, QINGYUAN_AUDITOR]) {
      const scoped = await rows(actor);
      expect(concerning(scoped, qy.userId)).toEqual([expect.objectContaining({ action: 'grant-given', organizationId: 'org-audit-qy' })]);
      expect(concerning(scoped, gz.userId)).toEqual([]);
      expect(scoped.every((r) => r.action !== 'sessions-revoked')).toBe(true);
    }
  });
});
