import { loginFailures } from '@shecun/core';
import { DEFAULT_LOGIN_BACKOFF, DEFAULT_RATE_LIMITS, hashPassword, IdentityService, identityOptionsFromEnv } from '@shecun/identity';
import { mkdtempSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDir, startEmbeddedApp, TestApp, testAppConfig } from '../support/embedded-app';

const PASSWORD = 'training room 2026';

async function listen(t: TestApp): Promise<string> {
  await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
}

/** Users with one password (hashed once) and a coordinator grant, read model caught up. */
async function users(t: TestApp, prefix: string, count: number): Promise<string[]> {
  const passwordHash = await hashPassword(PASSWORD);
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
  let last = 0;
  for (const username of names) {
    const account = await t.app.get(IdentityService).provision({ username, displayName: username, passwordHash, grant: { role: 'coordinator', scope: '441826105' } }, `test/logins/${username}`);
    last = Math.max(last, account.position ?? 0);
  }
  await t.projections.waitFor(last);
  return names;
}

const login = (base: string, username: string, password = PASSWORD) =>
  fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

/**
 * A township training room signs in from one address (one NAT) with the default limits; guessing
 * one account's password is slowed per account, whatever the address; a hashing queue that is
 * truly full answers 503 with Retry-After.
 */
describe('logins with the default limits', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shecun-logins-'));
    const identity = identityOptionsFromEnv({}, dataDir);
    // The default back-off, but a first pause long enough that no test machine outruns it.
    t = await startEmbeddedApp(dataDir, testAppConfig(dataDir, { rateLimits: DEFAULT_RATE_LIMITS, identity: { ...identity, loginBackoff: { ...DEFAULT_LOGIN_BACKOFF, minDelayMs: 60_000 } } }));
    base = await listen(t);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('100 people signing in at once from one address all get in', async () => {
    const names = await users(t, 'room', 100);
    const answers = await Promise.all(names.map(async (name) => {
      const res = await login(base, name);
      return { status: res.status, body: (await res.json()) as { accessToken?: string; user?: { username: string } } };
    }));
    expect(answers.map((a) => a.status)).toEqual(names.map(() => 200));
    expect(answers.map((a) => a.body.user?.username)).toEqual(names);
    const me = await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${answers[42].body.accessToken}` } });
    expect(me.status).toBe(200);
  });

  it('wrong passwords on one account back it off (429, Retry-After, even for the right password); another account from the same address still signs in', async () => {
    const [victim, neighbour] = await users(t, 'guess', 2);
    const before = (await loginFailures.get()).values[0]?.value ?? 0;
    for (let i = 0; i < DEFAULT_LOGIN_BACKOFF.freeFailures + 1; i++) expect((await login(base, victim, `wrong guess ${i}`)).status).toBe(401);
    expect((await loginFailures.get()).values[0].value - before).toBe(DEFAULT_LOGIN_BACKOFF.freeFailures + 1);
    const refused = await login(base, victim);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/^此账号密码错误次数过多/);
    expect((await login(base, neighbour)).status).toBe(200);
  });

  it('an unknown username backs off the same way (the answers do not tell it does not exist)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < DEFAULT_LOGIN_BACKOFF.freeFailures + 2; i++) statuses.push((await login(base, 'nobody-by-this-name', `guess ${i}`)).status);
    expect(statuses).toEqual([...Array(DEFAULT_LOGIN_BACKOFF.freeFailures + 1).fill(401), 429]);
  });

  it('a burst of parallel guesses at one account is cut off at the free failures', async () => {
    const [target] = await users(t, 'burst', 1);
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => login(base, target, `parallel guess ${i}`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(DEFAULT_LOGIN_BACKOFF.freeFailures + 1);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429)).toBe(true);
  });
});

describe('logins when password hashing is saturated', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shecun-logins-busy-'));
    const identity = identityOptionsFromEnv({}, dataDir);
    t = await startEmbeddedApp(dataDir, testAppConfig(dataDir, { identity: { ...identity, passwordHashing: { concurrency: 1, queueMax: 1 } } }));
    base = await listen(t);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('answers 503 problem+json with Retry-After once the hashing queue is full; the rest sign in', async () => {
    const names = await users(t, 'busy', 40);
    const answers = await Promise.all(names.map(async (name) => {
      const res = await login(base, name);
      return { status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type'), body: (await res.json()) as { detail?: string } };
    }));
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(2);
    for (const a of refused) {
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(a.type).toMatch(/^application\/problem\+json/);
      expect(a.body.detail).toMatch(/^登录人数过多/);
    }
    // A refused sign-in is not a wrong password: the account is not backed off.
    const again = await login(base, names[answers.findIndex((a) => a.status === 503)]);
    expect([200, 503]).toContain(again.status);
  });
});
