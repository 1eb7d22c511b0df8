import { INestApplication } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { ProjectionHost } from '@shecun/projections';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../apps/standalone/src/bootstrap';

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

/** The real embedded app (SQLite files in a temp folder), initialised and caught up, not listening. */
export async function startEmbeddedApp(dataDir = mkdtempSync(join(tmpdir(), 'shecun-e2e-'))): Promise<TestApp> {
  const app = await createApp({ port: 0, host: '127.0.0.1', dataDir, seedDemo: false, autostartProjections: true }, false);
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
 * province); organization staff and hub admins act for `organizationId`.
 */
export interface TestActor {
  id: string;
  role: 'coordinator' | 'organization' | 'hub' | 'bureau' | 'auditor' | 'admin';
  organizationId?: string;
  scope?: string;
}

/** Request headers that authenticate a test request as `actor` (use this in every new test). */
export async function actAs(_t: Pick<TestApp, 'app'> | undefined, actor: TestActor): Promise<Record<string, string>> {
  return {
    'X-Actor-Id': actor.id,
    'X-Actor-Role': actor.role,
    ...(actor.organizationId ? { 'X-Actor-Org': actor.organizationId } : {}),
    ...(actor.scope ? { 'X-Actor-Scope': actor.scope } : {}),
  };
}

export const coordinator = { 'X-Actor-Id': 'cadre-sanpai-01', 'X-Actor-Role': 'coordinator' };
export const organization = (orgId: string) => ({ 'X-Actor-Id': `staff-${orgId}`, 'X-Actor-Role': 'organization', 'X-Actor-Org': orgId });
export const futureDate = (days = 30) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
