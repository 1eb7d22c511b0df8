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

export const coordinator = { 'X-Actor-Id': 'cadre-sanpai-01', 'X-Actor-Role': 'coordinator' };
export const organization = (orgId: string) => ({ 'X-Actor-Id': `staff-${orgId}`, 'X-Actor-Role': 'organization', 'X-Actor-Org': orgId });
export const futureDate = (days = 30) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
