import { IdentityService } from '@shecun/identity';
import { actAs, removeDir, startEmbeddedApp, TestActor, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/**
 * The access audit shows bureau staff and auditors only rows of their scope: grants of
 * organizations registered within their division, not every organization grant in the province;
 * rows that name no scope or organization ("sign out everywhere", admin grants) only to administrators.
 */
describe('what bureau staff see of users and the access audit', () => {
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
    const concerning = <R extends { subjectId: string }>(items: R[], userId: string) => items.filter((r) => r.subjectId === userId);

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

  it('a user’s grants outside the caller’s reach are not shown: 清远 bureau staff see the 清远 grant of a user who also works for a 广州 organization', async () => {
    const identity = t.app.get(IdentityService);
    const both = await identity.provision({ username: 'staff-audit-both', displayName: '两地', passwordHash: 'x', grant: { role: 'organization', organizationId: 'org-audit-qy' } }, 'test/audit-scope/both-qy');
    const gz = await identity.provision({ username: 'staff-audit-both', displayName: '两地', passwordHash: 'x', grant: { role: 'organization', organizationId: 'org-audit-gz' } }, 'test/audit-scope/both-gz');
    await t.projections.waitFor(gz.position!);
    const grantsSeenBy = async (actor: TestActor) => {
      const detail = (await t.http().get(`/api/users/${both.userId}`).set(await actAs(t, actor)).expect(200)).body as { grants: { organizationId?: string }[] };
      const list = (await t.http().get('/api/users?limit=200').set(await actAs(t, actor)).expect(200)).body as { items: { id: string; grants: { organizationId?: string }[] }[] };
      return { detail: detail.grants.map((g) => g.organizationId).sort(), list: list.items.find((u) => u.id === both.userId)!.grants.map((g) => g.organizationId).sort() };
    };
    expect(await grantsSeenBy(ADMIN)).toEqual({ detail: ['org-audit-gz', 'org-audit-qy'], list: ['org-audit-gz', 'org-audit-qy'] });
    expect(await grantsSeenBy(QINGYUAN_BUREAU)).toEqual({ detail: ['org-audit-qy'], list: ['org-audit-qy'] });
  });
});
