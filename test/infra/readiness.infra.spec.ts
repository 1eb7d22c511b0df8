import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuild } from '../support/child-app';
import { removeDir } from '../support/embedded-app';
import { PrivatePostgres, startPrivatePostgres } from '../support/private-pg';
import { ServiceProcess } from '../support/processes';
import { Topology } from '../support/topology';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  contentType: string | null;
  body: { down?: string[]; detail?: string; status?: unknown; details?: Record<string, { status: string }> } & Record<string, unknown>;
}

const get = async (service: ServiceProcess, path: string): Promise<Answer> => {
  const res = await fetch(`${service.url}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as Answer['body'] };
};

/**
 * Readiness and liveness of the distributed apps as real processes (needs service, projector,
 * relay, gateway) on a private PostgreSQL cluster — the event store, the relay's checkpoint, the
 * needs service's database and the read models — and Kafka: ready, then PostgreSQL stops and every
 * app answers 503 problem+json naming its database while its liveness stays 200, then PostgreSQL
 * starts again and every app is ready again by itself.
 */
describe('readiness follows the database; liveness does not', () => {
  const prefix = `r${randomBytes(4).toString('hex')}.`;
  const dir = mkdtempSync(join(tmpdir(), 'readiness-'));
  let pg: PrivatePostgres;
  let topology: Topology;
  let services: ServiceProcess[];

  beforeAll(async () => {
    requireBuild();
    pg = await startPrivatePostgres();
    const [events, read, needs] = await Promise.all([pg.createDatabase('events'), pg.createDatabase('read'), pg.createDatabase('needs')]);
    topology = new Topology({ eventStoreUrl: events, readUrl: read, needsUrl: needs, brokers: KAFKA_BROKERS, prefix, env: { HEALTH_CHECK_TIMEOUT_MS: '1000', HEALTH_MAX_LAG_EVENTS: '1000' } });
    await topology.startAll(dir);
    services = ['needs-service', 'projector', 'relay', 'gateway'].map((name) => topology.service(name));
  }, 180_000);

  afterAll(async () => {
    await topology?.stopAll();
    pg?.destroy();
    removeDir(dir);
  }, 120_000);

  /** Polls every service's GET /health until each answers `status` (or the time is up); the last answers. */
  const untilEvery = async (status: number, timeoutMs: number): Promise<Record<string, Answer>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answers = Object.fromEntries(await Promise.all(services.map(async (s) => [s.name, await get(s, '/health')] as const)));
      if (Object.values(answers).every((a) => a.status === status) || Date.now() > deadline) return answers;
      await pause(250);
    }
  };

  it('answers 200 when ready, 503 problem+json naming the database while PostgreSQL is down, 200 again once it is back; liveness 200 throughout', async () => {
    const ready = await untilEvery(200, 30_000);
    for (const [name, answer] of Object.entries(ready)) {
      expect({ name, status: answer.status, contentType: answer.contentType }).toEqual({ name, status: 200, contentType: expect.stringMatching(/^application\/json/) });
      expect({ name, database: answer.body.details?.database?.status, eventStore: answer.body.details?.eventStore?.status }).toMatchObject({ name, database: 'up' });
    }
    // The relay keeps its own fields in the new shape.
    expect(ready.relay.body).toMatchObject({ status: 'ok', checkpoint: expect.any(Number), restarts: expect.any(Number), details: { kafka: { status: 'up' }, relay: { status: 'up' } } });
    expect(ready.projector.body).toMatchObject({ status: 'ok', parked: 0, projectors: expect.any(Array), details: { kafka: { status: 'up' } } });
    // Each declared lag is measured: the relay's behind the log, the projector's consumer groups' on Kafka, the needs service's projections.
    const lags = (answer: Answer, key: string) => (answer.body.details?.[key] as unknown as { lag: unknown; maxLagEvents: number }) ?? {};
    expect(lags(ready.relay, 'relay')).toMatchObject({ lag: expect.any(Number), maxLagEvents: 1000 });
    expect(lags(ready.projector, 'consumers')).toMatchObject({ lag: expect.objectContaining({ needs: expect.any(Number) }), maxLagEvents: 1000 });
    expect(lags(ready['needs-service'], 'projections')).toMatchObject({ lag: expect.objectContaining({ identity: expect.any(Number) }), maxLagEvents: 1000 });

    const liveness = new Map<string, Set<number>>(services.map((s) => [s.name, new Set<number>()]));
    const watching = { done: false };
    const watch = (async () => {
      while (!watching.done) {
        await Promise.all(services.map(async (s) => liveness.get(s.name)!.add(await get(s, '/health/live').then((a) => a.status, () => 0))));
        await pause(200);
      }
    })();

    pg.stop('fast');
    const down = await untilEvery(503, 30_000);
    for (const [name, answer] of Object.entries(down)) {
      expect({ name, status: answer.status, contentType: answer.contentType }).toEqual({ name, status: 503, contentType: expect.stringMatching(/^application\/problem\+json/) });
      expect({ name, problemStatus: answer.body.status, names: answer.body.down?.includes('database'), detail: answer.body.detail }).toEqual({
        name,
        problemStatus: 503,
        names: true,
        detail: expect.stringMatching(/^尚未就绪：.*数据库.*不可用 \(not ready: .*database: /),
      });
    }
    // The relay, not ready, still says where it is.
    expect(down.relay.body).toMatchObject({ state: expect.any(String), checkpoint: expect.any(Number), restarts: expect.any(Number) });
    await pause(1000);

    pg.start();
    const back = await untilEvery(200, 90_000);
    watching.done = true;
    await watch;
    expect(Object.fromEntries(Object.entries(back).map(([name, a]) => [name, a.status]))).toEqual({ 'needs-service': 200, projector: 200, relay: 200, gateway: 200 });
    expect(Object.fromEntries([...liveness].map(([name, statuses]) => [name, [...statuses]]))).toEqual({ 'needs-service': [200], projector: [200], relay: [200], gateway: [200] });
    expect(topology.exited()).toEqual([]);
  }, 240_000);

  it('the relay and the projector answer only their health and metrics paths: 404 problem+json elsewhere', async () => {
    for (const service of [topology.service('relay'), topology.service('projector')]) {
      for (const path of ['/', '/api/needs', '/health/ready']) {
        const answer = await get(service, path);
        expect({ service: service.name, path, status: answer.status, contentType: answer.contentType }).toEqual({ service: service.name, path, status: 404, contentType: 'application/problem+json' });
        expect(answer.body).toMatchObject({ status: 404, title: 'Not Found', instance: path });
      }
      expect((await get(service, '/health/live')).status).toBe(200);
      expect((await fetch(`${service.url}/metrics`)).status).toBe(200);
    }
  });
});
