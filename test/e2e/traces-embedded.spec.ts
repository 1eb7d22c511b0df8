import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, START } from '@shecun/event-store';
import { RunningApp, startChild, stopChild, waitHealthy } from '../support/child-app';
import { removeDir } from '../support/embedded-app';
import { OtlpReceiver } from '../support/otlp-receiver';

/**
 * The embedded app as `npm start` runs it (a real process, its main starting the tracing), the demo
 * seeded, exporting over OTLP/HTTP to a receiver this test runs: a command's request, its decide
 * and its append are one trace — the one the client's `traceparent` names — and the events it
 * appended keep that trace in their metadata; so do the pushes the dispatcher appends after reading them.
 */
describe('traces of the embedded app', () => {
  const receiver = new OtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'traces-embedded-'));
  let app: RunningApp;

  beforeAll(async () => {
    await receiver.start();
    app = await startChild(dir, { SEED_DEMO: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`, OTEL_BSP_SCHEDULE_DELAY: '200' });
    await waitHealthy(app);
  }, 150_000);

  afterAll(async () => {
    if (app) await stopChild(app);
    await receiver.stop();
    removeDir(dir);
  });

  it('a command sent over HTTP: request span → command span → append span in the client\'s trace; the stored events carry the command span as traceparent', async () => {
    const login = await fetch(`${app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'coordinator', password: 'shecun-demo' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const res = await fetch(`${app.url}/api/needs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', traceparent: `00-${traceId}-${clientSpanId}-01` },
      body: JSON.stringify({ villageCode: '441826105201', title: '追踪', category: 'health', publish: true, lineItems: [{ kind: 'goods', description: '药品柜', unit: '个', quantity: 1 }] }),
    });
    expect(res.status).toBe(201);
    const { needId } = (await res.json()) as { needId: string };
    const deadline = Date.now() + 20_000;
    while (!receiver.trace(traceId).some((s) => s.name === 'event store append') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(receiver.refused).toEqual([]);

    const spans = receiver.trace(traceId);
    const request = spans.filter((s) => s.name === 'POST /api/needs');
    expect(request.map((s) => [s.service, s.kind, s.parentSpanId, s.attributes['http.response.status_code']])).toEqual([['standalone', 2, clientSpanId, 201]]);
    const command = spans.filter((s) => s.name === 'command need');
    expect(command.map((s) => s.parentSpanId)).toEqual([request[0].spanId]);
    expect(spans.filter((s) => s.name === 'event store append').map((s) => s.parentSpanId)).toEqual([command[0].spanId]);
    // The probes waitHealthy polled are not traced.
    expect(receiver.spans.filter((s) => s.attributes['url.path'] === '/health')).toEqual([]);

    await stopChild(app);
    const store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    try {
      const stored = (await store.readAll(START, 1_000_000)).filter((e) => (e.data as { needId?: string }).needId === needId);
      expect(stored.filter((e) => e.type !== 'NeedPushed').map((e) => [e.type, e.metadata.traceparent])).toEqual([
        ['NeedDrafted', `00-${traceId}-${command[0].spanId}-01`],
        ['NeedPublished', `00-${traceId}-${command[0].spanId}-01`],
      ]);
      // The push dispatcher read NeedPublished from the store and continued its trace: the pushes it appended carry its span (exported at SIGTERM).
      const dispatch = receiver.trace(traceId).filter((s) => s.name === 'push dispatch');
      expect(dispatch.map((s) => [s.parentSpanId, s.attributes['shecun.event_type']])).toEqual([[command[0].spanId, 'NeedPublished']]);
      const pushed = stored.filter((e) => e.type === 'NeedPushed');
      expect(pushed.length).toBeGreaterThan(0);
      expect(new Set(pushed.map((e) => e.metadata.traceparent))).toEqual(new Set([`00-${traceId}-${dispatch[0].spanId}-01`]));
    } finally {
      await store.close();
    }
  }, 60_000);
});
