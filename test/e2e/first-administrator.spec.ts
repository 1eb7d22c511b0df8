import { bootstrapAdministrator } from '@shecun/identity';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/child-app';
import { removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/**
 * The first administrator: made on the event store by the platform, idempotently; with a one-time
 * password, every session can only change it (and see who it is, or sign out) until it is changed.
 */
describe('the first administrator', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startEmbeddedApp();
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const login = (username: string, password: string) => t.http().post('/api/auth/login').send({ username, password });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('with a one-time password: only the password change until it is changed, then everything', async () => {
    const made = await bootstrapAdministrator(t.store, { username: 'first-admin' });
    expect(made).toMatchObject({ created: true, oneTimePassword: expect.stringMatching(/^[A-Za-z0-9_-]{20}$/) });
    await t.projections.waitFor(await t.store.headPosition());
    const before = await t.eventCount();
    expect(await bootstrapAdministrator(t.store, { username: 'first-admin' })).toEqual({ userId: made.userId, username: 'first-admin', created: false });
    expect(await t.eventCount()).toBe(before);

    const first = await login('first-admin', made.oneTimePassword!).expect(200);
    expect(first.body).toMatchObject({ passwordChangeRequired: true, grant: { role: 'admin' } });
    const token = first.body.accessToken as string;
    const refused = await t.http().get('/api/users').set(bearer(token)).expect(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.detail).toMatch(/请先修改初始密码/);
    await t.http().post('/api/users').set(bearer(token)).send({ username: 'someone', displayName: '某人', password: 'a-long-password' }).expect(403);
    await t.http().get('/api/auth/me').set(bearer(token)).expect(200);
    // A refreshed token is limited the same way.
    const refreshed = await t.http().post('/api/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
    expect(refreshed.body.passwordChangeRequired).toBe(true);
    await t.http().get('/api/users').set(bearer(refreshed.body.accessToken)).expect(403);

    await t.http().post(`/api/users/${made.userId}/password`).set(bearer(refreshed.body.accessToken)).send({ currentPassword: made.oneTimePassword, newPassword: 'my own long passphrase' }).expect(200);
    await t.projections.waitFor(await t.store.headPosition());
    await t.http().get('/api/auth/me').set(bearer(refreshed.body.accessToken)).expect(401);
    await login('first-admin', made.oneTimePassword!).expect(401);
    const now = await login('first-admin', 'my own long passphrase').expect(200);
    expect(now.body.passwordChangeRequired).toBe(false);
    await t.http().get('/api/users').set(bearer(now.body.accessToken)).expect(200);
  });

  it('with the operator’s password (ADMIN_PASSWORD_FILE / ADMIN_PASSWORD): no change required', async () => {
    const made = await bootstrapAdministrator(t.store, { username: 'second-admin', password: 'chosen by the operator' });
    expect(made.oneTimePassword).toBeUndefined();
    await t.projections.waitFor(await t.store.headPosition());
    const session = await login('second-admin', 'chosen by the operator').expect(200);
    expect(session.body.passwordChangeRequired).toBe(false);
    await t.http().get('/api/users').set(bearer(session.body.accessToken)).expect(200);
    await expect(bootstrapAdministrator(t.store, { username: 'third-admin', password: 'short' })).rejects.toThrow(/at least 10/);
  });

  it('cli create-admin --one-time prints the one-time password once; a second run changes nothing', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shecun-admin-'));
    try {
      // The operator gave no password (runCli passes this process's environment on).
      delete process.env.ADMIN_PASSWORD;
      delete process.env.ADMIN_PASSWORD_FILE;
      const first = runCli(dataDir, ['create-admin', 'root', '--one-time']);
      expect(first).toMatch(/one-time password, shown only now\): [A-Za-z0-9_-]{20}/);
      const second = runCli(dataDir, ['create-admin', 'root', '--one-time']);
      expect(second).toMatch(/exists already: nothing changed/);
      expect(second).not.toMatch(/one-time password/);
    } finally {
      removeDir(dataDir);
    }
  });
});
