import { IdentityService, userIdFor, userStream } from '@shecun/identity';
import { waitFor } from '@shecun/core';
import { argon2id, hash } from 'argon2';
import { removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/** A hash made with older argon2 parameters still verifies, and a sign-in replaces it (PasswordRehashed) without ending sessions. */
describe('password hashes of older parameters', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startEmbeddedApp();
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('verify, are rehashed once on sign-in, and sessions go on', async () => {
    const password = 'an older secret 2024';
    // The library's defaults the platform used before (64 MiB, 3 passes, 4 lanes).
    const old = await hash(password, { type: argon2id, memoryCost: 65_536, timeCost: 3, parallelism: 4 });
    const account = await t.app.get(IdentityService).provision({ username: 'old.hash', displayName: '旧', passwordHash: old, grant: { role: 'coordinator', scope: '441826105' } }, 'test/rehash');
    await t.projections.waitFor(account.position!);
    const first = await t.http().post('/api/auth/login').send({ username: 'old.hash', password }).expect(200);
    const stream = userStream(userIdFor('old.hash'));
    const rehashed = async () => (await t.store.readStream(stream)).filter((e) => e.type === 'PasswordRehashed');
    expect(await waitFor(async () => (await rehashed()).length === 1, { timeoutMs: 10_000, intervalMs: 20 })).toBe(true);
    const [event] = await rehashed();
    expect((event.data as { passwordHash: string }).passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(event.metadata).toMatchObject({ actorRole: 'system' });
    await t.projections.waitFor(event.position);
    // The earlier session's token still works; the password still signs in; nothing is rehashed twice.
    await t.http().get('/api/auth/me').set({ Authorization: `Bearer ${first.body.accessToken}` }).expect(200);
    await t.http().post('/api/auth/login').send({ username: 'old.hash', password }).expect(200);
    await t.http().post('/api/auth/login').send({ username: 'old.hash', password: 'not the password' }).expect(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(await rehashed()).toHaveLength(1);
  });
});
