import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { requireBuild, ROOT } from '../support/child-app';
import { provisionDistributed, tokenKeys, untilAuthorized } from '../support/distributed-identity';
import { createTestDatabase } from '../support/pg';
import { ServiceProcess, startService, waitForHealth } from '../support/processes';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

/**
 * Sessions on the distributed topology: the gateway signs in, refreshes and logs out; the gateway
 * (through the projector's read model, fed by Kafka) and the push service (projecting the event
 * store itself) each refuse an ended session's token within a second; the push stream, forwarded
 * by the gateway, closes within a second of revocation; one user holds at most five streams.
 */
describe('sessions on the distributed topology (PostgreSQL, Kafka)', () => {
  const prefix = `t${randomBytes(4).toString('hex')}.`;
  const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  const services: ServiceProcess[] = [];
  let gateway: ServiceProcess;
  const password = 'correct horse battery';
  const ORG = 'org-sessions';
  let admin: Record<string, string>;
  let eventStoreUrl: string;

  beforeAll(async () => {
    requireBuild();
    const [events, read, push, needs] = await Promise.all(['shecun_events', 'shecun_read', 'shecun_push', 'shecun_needs'].map((name) => createTestDatabase(name)));
    dbs.push(events, read, push, needs);
    eventStoreUrl = events.url;
    const keys = tokenKeys(mkdtempSync(join(tmpdir(), 'shecun-keys-')));
    const common = { EVENT_STORE_URL: events.url, KAFKA_BROKERS, TOPIC_PREFIX: prefix };
    const users = await provisionDistributed(events.url, keys.tokens, [
      { username: 'admin-root', grant: { role: 'admin' } },
      ...['one', 'two', 'three', 'four', 'five'].map((n) => ({ username: `staff-${n}`, grant: { role: 'organization' as const, organizationId: ORG }, password })),
    ]);
    admin = { ...users['admin-root'], 'content-type': 'application/json' };
    const pushService = await startService('push-service', { ...common, ...keys.verifierEnv, DATABASE_URL: push.url, WEBHOOK_SIGNING_SECRET: randomBytes(32).toString('hex') });
    const needsService = await startService('needs-service', { ...common, ...keys.verifierEnv, DATABASE_URL: needs.url });
    const projector = await startService('projector', { ...common, READ_DATABASE_URL: read.url });
    services.push(pushService, needsService, projector);
    await Promise.all([waitForHealth(pushService), waitForHealth(needsService), waitForHealth(projector)]);
    const relay = await startService('relay', { ...common, DATABASE_URL: events.url });
    gateway = await startService('gateway', { ...common, ...keys.issuerEnv, READ_DATABASE_URL: read.url, NEEDS_SERVICE_URL: needsService.url, PUSH_SERVICE_URL: pushService.url });
    services.push(relay, gateway);
    await Promise.all([waitForHealth(relay), waitForHealth(gateway)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(dbs.map((d) => d.drop()));
  });

  const json = { 'content-type': 'application/json' };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}`, ...json });
  const post = (path: string, body: unknown, headers: Record<string, string> = json) => fetch(`${gateway.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  /** Read by the gateway itself (its read model comes from the projector). */
  const me = (token: string) => fetch(`${gateway.url}/api/auth/me`, { headers: bearer(token) });
  /** Forwarded by the gateway to the push service (its own projection of the event store). */
  const settings = (token: string) => fetch(`${gateway.url}/api/push/${ORG}/settings`, { headers: bearer(token) });

  /** Signs in through the gateway once its read model knows the user. */
  async function login(username: string, pw = password) {
    const res = await untilAuthorized(() => post('/api/auth/login', { username, password: pw }));
    expect(res.status).toBe(200);
    const session = (await res.json()) as { accessToken: string; refreshToken: string; expiresIn: number };
    // Both the gateway and the push service know the user before a test starts counting.
    expect((await untilAuthorized(() => settings(session.accessToken))).status).toBe(200);
    return session;
  }

  /** Milliseconds until both the gateway and the push service refuse `token` (at most `limitMs`). */
  async function refusedEverywhere(token: string, limitMs = 1000): Promise<number> {
    const start = Date.now();
    for (;;) {
      const [a, b] = await Promise.all([me(token), settings(token)]);
      await Promise.all([a.body?.cancel(), b.body?.cancel()]);
      if (a.status === 401 && b.status === 401) return Date.now() - start;
      if (Date.now() - start > limitMs) throw new Error(`still accepted after ${limitMs} ms: gateway ${a.status}, push service ${b.status}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('a password change ends earlier tokens on the gateway and on the push service within a second', async () => {
    const session = await login('staff-one');
    const meRes = (await (await me(session.accessToken)).json()) as { user: { id: string } };
    const changed = await post(`/api/users/${meRes.user.id}/password`, { currentPassword: password, newPassword: 'another long secret' }, bearer(session.accessToken));
    expect(changed.status).toBe(200);
    expect(await refusedEverywhere(session.accessToken)).toBeLessThan(1000);
    expect((await post('/api/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);
  }, 60_000);

  it('logout ends the session everywhere within a second', async () => {
    const session = await login('staff-two');
    expect((await post('/api/auth/logout', {}, bearer(session.accessToken))).status).toBe(200);
    expect(await refusedEverywhere(session.accessToken)).toBeLessThan(1000);
    expect((await post('/api/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);
  }, 60_000);

  it('a refresh token presented twice ends the whole session everywhere', async () => {
    const session = await login('staff-three');
    const rotated = await post('/api/auth/refresh', { refreshToken: session.refreshToken });
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as { accessToken: string; refreshToken: string };
    expect((await untilAuthorized(() => settings(next.accessToken))).status).toBe(200);
    const reuse = await post('/api/auth/refresh', { refreshToken: session.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refusedEverywhere(next.accessToken)).toBeLessThan(1000);
    expect((await post('/api/auth/refresh', { refreshToken: next.refreshToken })).status).toBe(401);
  }, 60_000);

  it('the push stream through the gateway closes within a second of its grant being revoked', async () => {
    const session = await login('staff-four');
    const who = (await (await me(session.accessToken)).json()) as { user: { id: string }; grant: { id: string } };
    const controller = new AbortController();
    const stream = await fetch(`${gateway.url}/api/push/${ORG}/feed/stream`, { headers: bearer(session.accessToken), signal: controller.signal });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const ended = (async () => {
      try {
        for (;;) if ((await reader.read()).done) return Date.now();
      } catch {
        return Date.now();
      }
    })();
    const revoked = await post(`/api/users/${who.user.id}/grants/${who.grant.id}/revoke`, { reason: '离职' }, admin);
    expect(revoked.status).toBe(200);
    const at = Date.now();
    const end = await Promise.race([ended, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]);
    controller.abort();
    expect(end).toBeGreaterThan(0);
    expect(end - at).toBeLessThan(1000);
  }, 60_000);

  it('the first administrator of a fresh deployment: made on the event store with a one-time password, which the first sign-in through the gateway must change', async () => {
    const run = (username: string) =>
      spawnSync(process.execPath, [join(ROOT, 'dist/apps/gateway/src/create-admin.js'), username], { env: { ...process.env, EVENT_STORE_URL: eventStoreUrl, ADMIN_PASSWORD: '', ADMIN_PASSWORD_FILE: '' }, encoding: 'utf8' });
    const made = run('ops-admin');
    expect(made.status).toBe(0);
    const oneTime = /one-time password, shown only now\): (\S+)/.exec(made.stdout)?.[1];
    expect(oneTime).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const again = run('ops-admin');
    expect({ status: again.status, unchanged: /nothing changed/.test(again.stdout) }).toEqual({ status: 0, unchanged: true });

    const signIn = await untilAuthorized(() => post('/api/auth/login', { username: 'ops-admin', password: oneTime }));
    expect(signIn.status).toBe(200);
    const first = (await signIn.json()) as { accessToken: string; passwordChangeRequired: boolean; user: { id: string } };
    expect(first.passwordChangeRequired).toBe(true);
    const limited = await fetch(`${gateway.url}/api/users`, { headers: bearer(first.accessToken) });
    expect(limited.status).toBe(403);
    const changed = await post(`/api/users/${first.user.id}/password`, { currentPassword: oneTime, newPassword: 'ops chose this one' }, bearer(first.accessToken));
    expect(changed.status).toBe(200);
    const deadline = Date.now() + 30_000;
    let now: { accessToken: string; passwordChangeRequired: boolean } | undefined;
    while (!now && Date.now() < deadline) {
      const res = await post('/api/auth/login', { username: 'ops-admin', password: 'ops chose this one' });
      if (res.status === 200) now = (await res.json()) as typeof now;
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(now?.passwordChangeRequired).toBe(false);
    expect((await fetch(`${gateway.url}/api/users`, { headers: bearer(now!.accessToken) })).status).toBe(200);
  }, 60_000);

  it('one user holds at most five push streams: the sixth gets 429 problem+json', async () => {
    const session = await login('staff-five');
    const controllers: AbortController[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const controller = new AbortController();
        controllers.push(controller);
        const res = await fetch(`${gateway.url}/api/push/${ORG}/feed/stream`, { headers: bearer(session.accessToken), signal: controller.signal });
        expect(res.status).toBe(200);
      }
      const sixth = await fetch(`${gateway.url}/api/push/${ORG}/feed/stream`, { headers: bearer(session.accessToken) });
      expect(sixth.status).toBe(429);
      expect(sixth.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await sixth.json()) as { detail: string }).detail).toMatch(/事件流已达上限/);
    } finally {
      for (const c of controllers) c.abort();
    }
  }, 60_000);
});
