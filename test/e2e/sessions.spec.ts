import { IdentityService, keyId } from '@shecun/identity';
import { sign } from 'jsonwebtoken';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { actAs, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/**
 * Sessions end when they should, on the embedded topology: a password change, a logout, "sign out
 * everywhere" and the reuse of a refresh token each stop the tokens concerned within a second; a
 * push stream closes within a second of its grant or session ending; one user holds at most
 * STREAMS_PER_USER_MAX streams.
 */
describe('sessions', () => {
  let t: TestApp;
  let port: number;
  const password = 'correct horse battery';
  const ADMIN = { id: 'root-admin', role: 'admin' as const };

  beforeAll(async () => {
    t = await startEmbeddedApp();
    port = await new Promise<number>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', function (this: import('node:net').Server) { resolve((this.address() as AddressInfo).port); }));
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  let serial = 0;
  /** A user with a password and one grant, read model caught up. */
  async function user(grant: { role: 'coordinator'; scope: string } | { role: 'organization'; organizationId: string }) {
    const username = `sess-user-${++serial}`;
    const account = await t.app.get(IdentityService).provision({ username, displayName: username, password, grant }, `test/sessions/${username}`);
    await t.projections.waitFor(account.position!);
    return { username, ...account };
  }

  const login = async (username: string, pw = password) => (await t.http().post('/api/auth/login').send({ username, password: pw }).expect(200)).body;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const me = (token: string) => t.http().get('/api/auth/me').set(bearer(token));

  /** Milliseconds until `check` holds, polling every 20 ms, at most `limitMs`; fails past it. */
  async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
    const start = Date.now();
    for (;;) {
      if (await check()) return Date.now() - start;
      if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const refusedWithin = (token: string, limitMs = 1000) => within(limitMs, async () => (await me(token)).status === 401);

  it('signs in with an access token of 15 minutes and a refresh token', async () => {
    const u = await user({ role: 'coordinator', scope: '441826105' });
    const session = await login(u.username);
    expect(session).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshToken: expect.stringMatching(/^[0-9a-f-]{36}\.0\.[A-Za-z0-9_-]{43}$/) });
    expect(Date.parse(session.sessionExpiresAt) - Date.now()).toBeGreaterThan(11.9 * 3600_000);
    await me(session.accessToken).expect(200);
  });

  it('a password change ends every earlier token and refresh token within a second; the new password signs in', async () => {
    const u = await user({ role: 'coordinator', scope: '441826105' });
    const [first, second] = [await login(u.username), await login(u.username)];
    await me(first.accessToken).expect(200);
    await t.http().post(`/api/users/${u.userId}/password`).set(bearer(first.accessToken)).send({ currentPassword: password, newPassword: 'a new and longer secret' }).expect(200);
    expect(await refusedWithin(first.accessToken)).toBeLessThan(1000);
    const refused = await me(second.accessToken).expect(401);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.detail).toMatch(/密码已修改/);
    await t.http().post('/api/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    await t.http().post('/api/auth/login').send({ username: u.username, password }).expect(401);
    const again = await login(u.username, 'a new and longer secret');
    await me(again.accessToken).expect(200);
  });

  it('logout ends the session: its access and refresh tokens, not the user’s other sessions', async () => {
    const u = await user({ role: 'coordinator', scope: '441826105' });
    const [phone, desk] = [await login(u.username), await login(u.username)];
    await t.http().post('/api/auth/logout').set(bearer(phone.accessToken)).expect(200);
    expect(await refusedWithin(phone.accessToken)).toBeLessThan(1000);
    expect((await me(phone.accessToken)).body.detail).toMatch(/会话已结束/);
    await t.http().post('/api/auth/refresh').send({ refreshToken: phone.refreshToken }).expect(401);
    await me(desk.accessToken).expect(200);
    await t.http().post('/api/auth/logout').expect(401);
  });

  it('refresh rotates the refresh token; presenting an earlier one ends the whole session', async () => {
    const u = await user({ role: 'coordinator', scope: '441826105' });
    const signIn = await login(u.username);
    const first = (await t.http().post('/api/auth/refresh').send({ refreshToken: signIn.refreshToken }).expect(200)).body;
    expect(first.refreshToken).toMatch(/\.1\./);
    expect(first.refreshToken).not.toBe(signIn.refreshToken);
    await me(first.accessToken).expect(200);
    const second = (await t.http().post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    await me(second.accessToken).expect(200);
    // The first refresh token again (copied by someone): refused, and the session ends for everyone.
    const reuse = await t.http().post('/api/auth/refresh').send({ refreshToken: signIn.refreshToken }).expect(401);
    expect(reuse.body.detail).toMatch(/已被使用过/);
    expect(await refusedWithin(second.accessToken)).toBeLessThan(1000);
    await refusedWithin(signIn.accessToken);
    await t.http().post('/api/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    const events = await t.store.readStream(`session-${signIn.refreshToken.split('.')[0]}`);
    expect(events.map((e) => e.type)).toEqual(['SessionStarted', 'SessionRefreshed', 'SessionRefreshed', 'SessionEnded']);
    expect(events[3].data).toMatchObject({ reason: 'refresh-token-reuse' });
    // Refresh secrets are never stored, only their hashes.
    expect(JSON.stringify(events)).not.toContain(signIn.refreshToken.split('.')[2]);
  });

  it('refuses malformed, forged and unknown refresh tokens without recording anything', async () => {
    const before = await t.eventCount();
    for (const refreshToken of ['', 'x', `${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}.0.${'A'.repeat(43)}`, 'a'.repeat(200)]) {
      const res = await t.http().post('/api/auth/refresh').send({ refreshToken });
      expect([400, 401]).toContain(res.status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const u = await user({ role: 'coordinator', scope: '441826105' });
    const signIn = await login(u.username);
    const mid = await t.eventCount();
    const [sid, gen] = signIn.refreshToken.split('.');
    await t.http().post('/api/auth/refresh').send({ refreshToken: `${sid}.${gen}.${'B'.repeat(43)}` }).expect(401);
    expect(await t.eventCount()).toBe(mid);
    await me(signIn.accessToken).expect(200);
    expect(mid).toBeGreaterThan(before);
  });

  it('"sign out everywhere" by an administrator ends every session of the user; others may not', async () => {
    const u = await user({ role: 'coordinator', scope: '441826105' });
    const other = await user({ role: 'coordinator', scope: '441826105' });
    const [a, b] = [await login(u.username), await login(u.username)];
    const before = await t.eventCount();
    const stranger = await login(other.username);
    const mid = await t.eventCount();
    await t.http().post(`/api/users/${u.userId}/sessions/revoke`).set(bearer(stranger.accessToken)).send({ reason: '试图代人退出' }).expect(403);
    expect(await t.eventCount()).toBe(mid);
    await t.http().post(`/api/users/${u.userId}/sessions/revoke`).set(await actAs(t, ADMIN)).send({ reason: '手机遗失' }).expect(200);
    expect(await refusedWithin(a.accessToken)).toBeLessThan(1000);
    await me(b.accessToken).expect(401);
    await t.http().post('/api/auth/refresh').send({ refreshToken: b.refreshToken }).expect(401);
    await me(stranger.accessToken).expect(200);
    expect(mid).toBeGreaterThan(before);
    const audit = await t.http().get('/api/audit/access').set(await actAs(t, ADMIN)).expect(200);
    expect(audit.body.items.find((r: { action: string; subjectId: string }) => r.action === 'sessions-revoked' && r.subjectId === u.userId)).toMatchObject({ details: { reason: '手机遗失' } });
  });

  it('refuses a correctly signed token without an expiry, or without its session', async () => {
    const u = await user({ role: 'coordinator', scope: '441826105' });
    const key = createPrivateKey(readFileSync(join(t.dataDir, 'keys', 'jwt-signing-key.pem'), 'utf8'));
    const forge = (claims: Record<string, unknown>) =>
      sign({ iss: 'shecun', aud: 'shecun-api', sub: u.userId, gid: u.grantId, ...claims }, key.export({ type: 'pkcs8', format: 'pem' }) as string, { algorithm: 'RS256', keyid: keyId(key) });
    const noExpiry = await me(forge({ sid: '3b0c1f4e-0000-4000-8000-000000000001', sv: 0 })).expect(401);
    expect(noExpiry.body.detail).toMatch(/缺少有效期/);
    const noSession = await me(forge({ sv: 0, exp: Math.floor(Date.now() / 1000) + 600 })).expect(401);
    expect(noSession.body.detail).toMatch(/缺少会话/);
  });

  describe('push streams', () => {
    const ORG = 'org-stream-test';

    /** Opens the organization's push stream; resolves when its headers arrive, with a promise of its end. */
    async function openStream(token: string) {
      const controller = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/api/push/${ORG}/feed/stream`, { headers: bearer(token), signal: controller.signal });
      if (res.status !== 200) return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') };
      const reader = res.body!.getReader();
      const ended = (async () => {
        try {
          for (;;) if ((await reader.read()).done) return Date.now();
        } catch {
          return Date.now();
        }
      })();
      return { status: 200, ended, close: () => controller.abort() };
    }

    it('closes within a second of the grant behind it being revoked', async () => {
      const staff = await user({ role: 'organization', organizationId: ORG });
      const session = await login(staff.username);
      const stream = await openStream(session.accessToken);
      expect(stream.status).toBe(200);
      const revoked = await t.http().post(`/api/users/${staff.userId}/grants/${staff.grantId}/revoke`).set(await actAs(t, ADMIN)).send({ reason: '离职' }).expect(200);
      const at = Date.now();
      const ended = await Promise.race([stream.ended!, new Promise<number>((r) => setTimeout(() => r(-1), 5_000))]);
      expect(ended).toBeGreaterThan(0);
      expect(ended - at).toBeLessThan(1000);
      expect(revoked.body.position).toBeGreaterThan(0);
    });

    it('closes within a second of logout', async () => {
      const staff = await user({ role: 'organization', organizationId: ORG });
      const session = await login(staff.username);
      const stream = await openStream(session.accessToken);
      await t.http().post('/api/auth/logout').set(bearer(session.accessToken)).expect(200);
      const at = Date.now();
      const ended = await Promise.race([stream.ended!, new Promise<number>((r) => setTimeout(() => r(-1), 5_000))]);
      expect(ended).toBeGreaterThan(0);
      expect(ended - at).toBeLessThan(1000);
    });

    it('one user holds at most STREAMS_PER_USER_MAX (5) streams: the next gets 429 problem+json until one closes', async () => {
      const staff = await user({ role: 'organization', organizationId: ORG });
      const session = await login(staff.username);
      const open = [];
      for (let i = 0; i < 5; i++) {
        const stream = await openStream(session.accessToken);
        expect(stream.status).toBe(200);
        open.push(stream);
      }
      const sixth = await openStream(session.accessToken);
      expect(sixth.status).toBe(429);
      expect(sixth.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(sixth.body!).detail).toMatch(/事件流已达上限 5/);
      // Another user is not affected.
      const colleague = await user({ role: 'organization', organizationId: ORG });
      const theirs = await openStream((await login(colleague.username)).accessToken);
      expect(theirs.status).toBe(200);
      theirs.close!();
      open[0].close!();
      await within(2000, async () => {
        const again = await openStream(session.accessToken);
        if (again.status === 200) open.push(again);
        return again.status === 200;
      });
      for (const stream of open) stream.close!();
    });
  });
});
