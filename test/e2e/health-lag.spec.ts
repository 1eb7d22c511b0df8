import { randomUUID } from 'node:crypto';
import { removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/**
 * HEALTH_MAX_LAG_EVENTS on the real embedded app (SQLite event log and read models): a projection
 * that falls further behind the log than the declared number of events makes GET /health 503 (with
 * the projection and its lag named), and 200 again once it has caught up. Liveness stays 200.
 */
describe('readiness bounded by HEALTH_MAX_LAG_EVENTS', () => {
  let t: TestApp;
  const saved = process.env.HEALTH_MAX_LAG_EVENTS;

  beforeAll(async () => {
    process.env.HEALTH_MAX_LAG_EVENTS = '2';
    t = await startEmbeddedApp();
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.HEALTH_MAX_LAG_EVENTS;
    else process.env.HEALTH_MAX_LAG_EVENTS = saved;
    await t.close();
    removeDir(t.dataDir);
  });

  const append = (count: number) =>
    t.store.append(
      `lagprobe-${randomUUID()}`,
      Array.from({ length: count }, () => ({
        id: randomUUID(),
        type: 'LagProbeRecorded',
        data: {},
        metadata: { actorId: 'system', actorRole: 'system', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() },
      })),
      'no-stream',
    );

  it('is ready within the bound, not ready beyond it, ready again once the projection caught up', async () => {
    const ready = await t.http().get('/health').expect(200);
    expect(ready.body.details.projections).toMatchObject({ status: 'up', maxLagEvents: 2, lag: expect.objectContaining({ organizations: 0 }) });

    const organizations = t.projections.runner('organizations');
    await organizations.stop();
    await append(2);
    // Two events behind: within the bound.
    const within = await t.http().get('/health');
    expect({ status: within.status, lag: within.body.details?.projections?.lag?.organizations }).toEqual({ status: 200, lag: 2 });

    await append(1);
    const behind = await t.http().get('/health').expect(503);
    expect(behind.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(behind.body).toMatchObject({ status: 503, waitingFor: ['projections'] });
    expect(behind.body.details.projections.message).toBe('organizations 3 events behind (HEALTH_MAX_LAG_EVENTS 2)');
    await t.http().get('/health/live').expect(200);

    await organizations.start();
    const again = await t.http().get('/health').expect(200);
    expect(again.body.details.projections.lag.organizations).toBe(0);
  });
});
