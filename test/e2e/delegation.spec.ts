import { CommandContext } from '@shecun/core';
import { GrantSpec, IdentityService, userIdFor } from '@shecun/identity';
import { randomUUID } from 'node:crypto';
import { DELEGATION_CASES, GranterKey, GRANTERS, ORG_IN, ORG_OUT } from '../support/delegation-cases';
import { registerOrganizations } from '../support/organizations';
import { removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/**
 * The delegation model through HTTP on the embedded app: every granter × grant × in / out of reach
 * (test/support/delegation-cases.ts) for POST /api/users/{id}/grants, …/revoke and POST /api/users
 * with a first grant — 2xx where the table allows it, otherwise 403 problem+json with the event
 * store's head position unchanged.
 */
const PASSWORD = 'delegation-passphrase';
const SYSTEM = { id: 'system', role: 'system' as const };
const systemContext = (): CommandContext => ({ actor: SYSTEM, commandId: randomUUID(), correlationId: randomUUID() });

describe('delegation through the API', () => {
  let t: TestApp;
  let identity: IdentityService;
  const headers = new Map<GranterKey, Record<string, string>>();

  beforeAll(async () => {
    t = await startEmbeddedApp();
    identity = t.app.get(IdentityService);
    await registerOrganizations(t, [
      { id: ORG_IN.organizationId, name: '连南瑶绣协会', homeDivisionCode: ORG_IN.homeDivisionCode, hubKind: 'hub' },
      { id: ORG_OUT.organizationId, name: '广州市社会组织联合会', homeDivisionCode: ORG_OUT.homeDivisionCode, hubKind: 'hub' },
    ]);
    // Each granter signs in for real with a password, under the one grant the table names.
    for (const [key, actor] of Object.entries(GRANTERS) as [GranterKey, (typeof GRANTERS)[GranterKey]][]) {
      const { role, ...rest } = actor;
      const username = `dg-${key.replace(':', '-')}`;
      const account = await identity.provision({ username, displayName: key, password: PASSWORD, grant: { role, ...rest } as GrantSpec }, `delegation/${key}`);
      if (account.position !== undefined) await t.projections.waitFor(account.position, 10_000);
      const login = await t.http().post('/api/auth/login').send({ username, password: PASSWORD, grantId: account.grantId }).expect(200);
      headers.set(key, { Authorization: `Bearer ${login.body.accessToken}` });
    }
  });
  afterAll(async () => {
    await t?.close();
    if (t) removeDir(t.dataDir);
  });

  /** A user with no grant yet (made by the platform itself). */
  async function bareUser(): Promise<string> {
    const username = `t-${randomUUID().slice(0, 12)}`;
    const userId = userIdFor(username);
    await identity.execute(userId, { type: 'RegisterUser', userId, username, displayName: '待授权', passwordHash: 'x', externalSubject: null }, systemContext());
    return userId;
  }

  /** Sends a request; a refusal must be 403 problem+json and append nothing. */
  async function expectOutcome(send: () => Promise<{ status: number; body: any; headers: Record<string, string> }>, allowed: boolean, okStatus: number) {
    const before = await t.store.headPosition();
    const res = await send();
    if (allowed) {
      expect({ status: res.status, detail: res.body.detail }).toEqual({ status: okStatus, detail: undefined });
    } else {
      expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status: 403, type: expect.stringMatching(/^application\/problem\+json/) });
      expect(res.body.detail).toMatch(/[\u4e00-\u9fff].*\(.+\)/);
      expect(await t.store.headPosition()).toBe(before);
    }
    return res;
  }

  describe.each(DELEGATION_CASES)('$granter → $kind ($target)', ({ granter, grant, allowed }) => {
    it(`gives it: ${allowed ? '201' : '403, nothing appended'}`, async () => {
      const userId = await bareUser();
      const res = await expectOutcome(() => t.http().post(`/api/users/${userId}/grants`).set(headers.get(granter)!).send(grant), allowed, 201);
      if (allowed) expect(res.body.user.grants).toEqual([expect.objectContaining({ ...grant, id: res.body.grantId })]);
    });

    it(`revokes it: ${allowed ? '200' : '403, nothing appended'}`, async () => {
      const account = await identity.provision({ username: `r-${randomUUID().slice(0, 12)}`, displayName: '在岗', passwordHash: 'x', grant }, `delegation/revoke/${randomUUID()}`);
      const res = await expectOutcome(
        () => t.http().post(`/api/users/${account.userId}/grants/${account.grantId}/revoke`).set(headers.get(granter)!).send({ reason: '调离岗位' }),
        allowed,
        200,
      );
      if (allowed) expect(res.body.user.grants).toEqual([]);
    });

    it(`creates a user with it: ${allowed ? '201, user and grant in one append' : '403, nothing appended'}`, async () => {
      const username = `c-${randomUUID().slice(0, 12)}`;
      const res = await expectOutcome(
        () =>
          t.http().post('/api/users').set(headers.get(granter)!).send({ username, displayName: '新同事', externalSubject: `https://id.example.gov.cn|${username}`, grant }),
        allowed,
        201,
      );
      if (allowed) {
        const events = await t.store.readStream(`user-${userIdFor(username)}`);
        expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'GrantGiven']);
        expect(events[1].position).toBe(events[0].position + 1);
        expect(res.body).toMatchObject({ user: { username, grants: [expect.objectContaining({ ...grant, id: res.body.grantId })] }, position: events[1].position });
      } else {
        expect(await t.store.readStream(`user-${userIdFor(username)}`)).toEqual([]);
      }
    });
  });

  it('清远 bureau staff can neither make a user admin of 广州市社会组织联合会 nor revoke its staff', async () => {
    const qingyuan = headers.get('bureau:city')!;
    const adminOfGuangzhou = { role: 'organization', organizationId: ORG_OUT.organizationId, organizationAdmin: true };
    const before = await t.store.headPosition();
    const created = await t.http().post('/api/users').set(qingyuan).send({ username: 'qy-takeover', displayName: '越权', password: 'a-long-password', grant: adminOfGuangzhou }).expect(403);
    expect(created.body.detail).toContain('4401');
    const userId = await bareUser();
    const afterSetup = await t.store.headPosition();
    await t.http().post(`/api/users/${userId}/grants`).set(qingyuan).send(adminOfGuangzhou).expect(403);
    const staff = await identity.provision({ username: 'gz-fed-staff', displayName: '联合会工作人员', passwordHash: 'x', grant: { role: 'organization', organizationId: ORG_OUT.organizationId } }, 'delegation/gz-staff');
    const afterStaff = await t.store.headPosition();
    await t.http().post(`/api/users/${staff.userId}/grants/${staff.grantId}/revoke`).set(qingyuan).send({ reason: '越权' }).expect(403);
    expect(await t.store.headPosition()).toBe(afterStaff);
    expect(afterSetup).toBe(before + 1); // only the bare user the test made itself
  });

  it('a grant for an organization nobody registered: 404, nothing appended', async () => {
    const userId = await bareUser();
    const before = await t.store.headPosition();
    for (const granter of ['admin', 'bureau:city'] as const) {
      const res = await t.http().post(`/api/users/${userId}/grants`).set(headers.get(granter)!).send({ role: 'organization', organizationId: 'org-nowhere' }).expect(404);
      expect(res.body.detail).toContain('org-nowhere');
    }
    await t.http().post('/api/users').set(headers.get('admin')!).send({ username: 'nowhere-staff', displayName: 'x', externalSubject: 'https://id.example.gov.cn|nowhere', grant: { role: 'hub', organizationId: 'org-nowhere' } }).expect(404);
    expect(await t.store.headPosition()).toBe(before);
  });

  it('organization admins create users only with a grant for their own organization, and list their own staff', async () => {
    const orgAdmin = headers.get('organization:admin')!;
    const before = await t.store.headPosition();
    await t.http().post('/api/users').set(orgAdmin).send({ username: 'no-grant-staff', displayName: 'x', externalSubject: 'https://id.example.gov.cn|no-grant' }).expect(403);
    expect(await t.store.headPosition()).toBe(before);
    const created = await t.http()
      .post('/api/users')
      .set(orgAdmin)
      .send({ username: 'ln-embroidery-2', displayName: '瑶绣协会 干事', externalSubject: 'https://id.example.gov.cn|ln-2', grant: { role: 'organization', organizationId: ORG_IN.organizationId } })
      .expect(201);
    await t.projections.waitFor(created.body.position);
    const listed = await t.http().get('/api/users?limit=200').set(orgAdmin).expect(200);
    const usernames = listed.body.items.map((u: { username: string }) => u.username);
    expect(usernames).toContain('ln-embroidery-2');
    expect(usernames).not.toContain('gz-fed-staff');
    await t.http().get(`/api/users/${userIdFor('gz-fed-staff')}`).set(orgAdmin).expect(404);
    await t.http().get('/api/users').set(headers.get('organization:staff')!).expect(403);
    // 连南's bureau sees 连南's organization staff, not 广州's.
    const county = await t.http().get('/api/users?limit=200').set(headers.get('bureau:county')!).expect(200);
    const seen = county.body.items.map((u: { username: string }) => u.username);
    expect(seen).toContain('ln-embroidery-2');
    expect(seen).not.toContain('gz-fed-staff');
  });
});
