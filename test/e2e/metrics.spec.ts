import { DataSource } from 'typeorm';
import { appendNeedBacklog, eventsPerBacklogNeed } from '../support/backlog';
import { actAs, COORDINATOR, futureDate, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text-format page (comments skipped). */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The value of the one sample with this name whose labels include `labels`; undefined when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/**
 * GET /metrics on the embedded app: Prometheus text, no sign-in, outside /api; requests timed by
 * route pattern, commands' appends and failed sign-ins counted, projections' lag and parked events.
 */
describe('metrics (embedded)', () => {
  let t: TestApp;
  const scrape = async () => {
    const response = await t.http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4\b/);
    return parseMetrics(response.text);
  };
  beforeAll(async () => {
    t = await startEmbeddedApp();
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('serves the process metrics and times requests by method, route pattern and status', async () => {
    const before = await scrape();
    expect(valueOf(before, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(before, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    const need = await t.http().post('/api/needs').set(await actAs(t, COORDINATOR))
      .send({ villageCode: '441826105201', title: '助学金', category: 'education', publish: true, dueDate: futureDate(90), lineItems: [{ kind: 'funds', description: '助学金', quantity: 1000 }] })
      .expect(201);
    await t.projections.waitFor(need.body.position);
    await t.http().get(`/api/needs/${need.body.needId}`).set(await actAs(t, COORDINATOR)).expect(200);
    await t.http().get('/api/needs/no-such-need').set(await actAs(t, COORDINATOR)).expect(404);
    await t.http().get('/api/no/such/path').expect(404);
    await t.http().post('/api/auth/login').send({ username: 'nobody', password: 'wrong password' }).expect(401);

    const after = await scrape();
    const count = (route: string, method: string, status: string) => valueOf(after, 'http_request_duration_seconds_count', { route, method, status });
    expect(count('/api/needs', 'POST', '201')).toBe(1);
    expect(count('/api/needs/:id', 'GET', '200')).toBe(1);
    expect(count('/api/needs/:id', 'GET', '404')).toBe(1);
    expect(count('(unmatched)', 'GET', '404')).toBe(1);
    expect(count('/api/auth/login', 'POST', '401')).toBe(1);
    expect(valueOf(after, 'http_request_duration_seconds_bucket', { route: '/api/needs/:id', method: 'GET', status: '200', le: '+Inf' })).toBe(1);
    // Never a raw URL: no series per id.
    expect(after.some((s) => s.labels.route?.includes(need.body.needId) || s.labels.route?.includes('no-such'))).toBe(false);

    const appends = (samples: Sample[]) => valueOf(samples, 'shecun_event_store_appends_total') ?? 0;
    expect(appends(after) - appends(before)).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, 'shecun_event_store_append_duration_seconds_count')).toBeGreaterThanOrEqual(appends(after));
    expect(valueOf(after, 'shecun_event_store_append_conflicts_total')).toBe(0);
    expect((valueOf(after, 'shecun_login_failures_total') ?? 0) - (valueOf(before, 'shecun_login_failures_total') ?? 0)).toBe(1);
  });

  it('reports each projection’s lag behind the store head and its parked events', async () => {
    expect(await t.projections.waitFor(await t.store.headPosition(), 20_000)).toBe(true);
    const caughtUp = await scrape();
    expect(valueOf(caughtUp, 'shecun_projection_lag_events', { projection: 'needs' })).toBe(0);
    expect(valueOf(caughtUp, 'shecun_projection_parked_events', { projection: 'needs' })).toBe(0);
    expect(caughtUp.filter((s) => s.name === 'shecun_projection_lag_events').map((s) => s.labels.projection)).toEqual(expect.arrayContaining(t.projections.names()));

    // A poison event: the needs read model refuses one row, the event is parked after PROJECTION_MAX_ATTEMPTS (5).
    const read = t.app.get(DataSource);
    const last = (await eventsPerBacklogNeed()) - 1;
    for (const op of ['INSERT', 'UPDATE']) {
      await read.query(`CREATE TRIGGER metrics_poison_${op} BEFORE ${op} ON needs_view WHEN NEW.title = '需求 0' AND NEW.revision = ${last} BEGIN SELECT RAISE(ABORT, 'poison'); END`);
    }
    await appendNeedBacklog(t.store, 2, ['441826105201'], 'metrics-poison');
    expect(await t.projections.waitFor(await t.store.headPosition(), 20_000)).toBe(true);

    const held = await scrape();
    expect(valueOf(held, 'shecun_projection_parked_events', { projection: 'needs' })).toBe(1);
    expect(valueOf(held, 'shecun_projection_lag_events', { projection: 'needs' })).toBe(0);
    for (const op of ['INSERT', 'UPDATE']) await read.query(`DROP TRIGGER metrics_poison_${op}`);

    // A projection that stopped following the log falls behind by the events appended since.
    await t.projections.runner('needs').stop();
    const appended = await appendNeedBacklog(t.store, 1, ['441826105201'], 'metrics-behind');
    const behind = await scrape();
    expect(valueOf(behind, 'shecun_projection_lag_events', { projection: 'needs' })).toBe(appended);
  });
});
