import { chinaDate } from '@shecun/core';
import { INestApplication } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { ProjectionHost } from '@shecun/projections';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { IdentityService, SessionService, userIdFor } from '@shecun/identity';
import { createApp } from '../../apps/standalone/src/bootstrap';
import { AppConfig } from '../../apps/standalone/src/config';

export interface TestApp {
  app: INestApplication;
  dataDir: string;
  store: EventStore;
  projections: ProjectionHost;
  http: () => ReturnType<typeof request>;
  /** Number of events in the global log. */
  eventCount: () => Promise<number>;
  close: () => Promise<void>;
}

/** An embedded app's configuration for tests: generous rate limits unless a test sets its own. */
export const testAppConfig = (dataDir: string, overrides: Partial<AppConfig> = {}): AppConfig => ({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  seedDemo: false,
  autostartProjections: true,
  rateLimits: { perIpPerMinute: 1_000_000, perUserPerMinute: 1_000_000, loginsPerMinute: 1_000_000 },
  requestTimeoutMs: 15_000,
  // Pushes are appended shortly after a need is published, by a processor of their own: suites that
  // count events would see them arrive at any moment. test/e2e/push.spec.ts turns them on.
  pushDispatch: false,
  ...overrides,
});

/** The real embedded app (SQLite files in a temp folder), initialised and caught up, not listening. */
export async function startEmbeddedApp(dataDir = mkdtempSync(join(tmpdir(), 'shecun-e2e-')), config: AppConfig = testAppConfig(dataDir)): Promise<TestApp> {
  const app = await createApp(config, false);
  await app.init();
  const projections = app.get(ProjectionHost);
  await projections.startAll();
  const store = app.get<EventStore>(EVENT_STORE);
  const server = app.getHttpServer();
  return {
    app,
    dataDir,
    store,
    projections,
    http: () => request(server),
    eventCount: async () => (await store.readAll(-1, 1_000_000)).length,
    close: async () => {
      await app.close();
    },
  };
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/**
 * Who a test request acts as. `scope` is the division code prefix a coordinator, bureau staff or
 * auditor acts within (a village's 12 digits, a town's 9, a county's 6, a city's 4, '44' for the
 * province); organization staff and hub admins act for `organizationId`. `id` names the test user
 * (its username); the user id in events is derived from it.
 */
export interface TestActor {
  id: string;
  role: 'coordinator' | 'organization' | 'hub' | 'bureau' | 'auditor' | 'admin';
  organizationId?: string;
  scope?: string;
  /** The person's display name (the id when not given). */
  name?: string;
}

const tokens = new WeakMap<object, Map<string, Promise<string>>>();

const usernameOf = (id: string) => id.toLowerCase().replace(/[^a-z0-9._-]/g, '-').padEnd(3, '-').slice(0, 64);

/**
 * Signs a test user in for real: the user and the grant are made through the identity context's
 * command path, the grants read model is awaited, and the app's signing key issues the token. One
 * user and grant per distinct actor, cached per app.
 */
export function tokenFor(app: INestApplication, actor: TestActor): Promise<string> {
  let cache = tokens.get(app);
  if (!cache) tokens.set(app, (cache = new Map()));
  const key = JSON.stringify(actor);
  let token = cache.get(key);
  if (!token) {
    token = (async () => {
      const grant = { role: actor.role, ...(actor.scope ? { scope: actor.scope } : {}), ...(actor.organizationId ? { organizationId: actor.organizationId } : {}) };
      const account = await app.get(IdentityService).provision({ username: usernameOf(actor.id), displayName: actor.name ?? actor.id, passwordHash: 'no-password', grant }, `test/${key}`);
      if (account.position !== undefined) await app.get(ProjectionHost).waitFor(account.position, 10_000);
      return (await app.get(SessionService).startForGrant(account.userId, account.grantId)).accessToken;
    })();
    cache.set(key, token);
  }
  return token;
}

/** Request headers that authenticate a test request as `actor` (a real bearer token). */
export async function actAs(t: Pick<TestApp, 'app'>, actor: TestActor): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await tokenFor(t.app, actor)}` };
}

/** The user id events carry for a test actor. */
export const userIdOf = (actor: Pick<TestActor, 'id'>) => userIdFor(usernameOf(actor.id));

/** The coordinator of 三排镇 (连南), whose villages the needs in tests are in. */
export const COORDINATOR: TestActor = { id: 'cadre-sanpai-01', role: 'coordinator', scope: '441826105' };
export const staffOf = (organizationId: string): TestActor => ({ id: `staff-${organizationId}`, role: 'organization', organizationId });
/** A date `days` from today in China (the API's calendar dates are China dates). */
export const futureDate = (days = 30) => chinaDate(Date.now() + days * 86_400_000);

/** Sets environment variables for a test (e.g. PROJECTION_MAX_ATTEMPTS, read at start); returns what puts the earlier values back. */
export function withEnv(vars: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * The embedded app of a describe block: started before its tests with `vars` set in the
 * environment (as PROJECTION_MAX_ATTEMPTS, read at start), closed, removed and the environment put
 * back after them. Answers a getter of the started app.
 */
export function useEmbeddedApp(vars: Record<string, string> = {}, overrides: Partial<AppConfig> = {}): () => TestApp {
  let t: TestApp | undefined;
  let restoreEnv: (() => void) | undefined;
  beforeAll(async () => {
    restoreEnv = withEnv(vars);
    const dir = mkdtempSync(join(tmpdir(), 'shecun-e2e-'));
    t = await startEmbeddedApp(dir, testAppConfig(dir, overrides));
  });
  afterAll(async () => {
    await t?.close();
    if (t) removeDir(t.dataDir);
    restoreEnv?.();
  });
  return () => t!;
}
