import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore, START } from '@shecun/event-store';
import { requireBuild } from '../support/child-app';
import { removeDir } from '../support/embedded-app';
import { OtlpReceiver, ReceivedSpan } from '../support/otlp-receiver';
import { createTestDatabase } from '../support/pg';
import { Topology } from '../support/topology';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const SPAN_KIND = { server: 2, client: 3, producer: 4, consumer: 5 };

/**
 * One command followed across the distributed topology by its trace: the gateway, the needs
 * service, the relay, the projector and the push service run as real processes on local PostgreSQL and Kafka, each
 * exporting its spans over OTLP/HTTP to a receiver this test runs. The client sends its own
 * `traceparent`, so the trace to look for is known before anything happens.
 */
describe('traces across the distributed topology (OTLP/HTTP to a local receiver)', () => {
  const prefix = `tr${randomBytes(4).toString('hex')}.`;
  const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  const dir = mkdtempSync(join(tmpdir(), 'traces-'));
  const receiver = new OtlpReceiver();
  let topology: Topology;
  let eventStoreUrl: string;

  beforeAll(async () => {
    requireBuild();
    await receiver.start();
    const [events, read, needs, push] = await Promise.all(['shecun_events', 'shecun_read', 'shecun_needs', 'shecun_push'].map((name) => createTestDatabase(name)));
    dbs.push(events, read, needs, push);
    eventStoreUrl = events.url;
    // Each service names itself (no OTEL_SERVICE_NAME); batches leave every 200 ms.
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' };
    topology = new Topology({ eventStoreUrl: events.url, readUrl: read.url, needsUrl: needs.url, brokers: KAFKA_BROKERS, prefix, env });
    await topology.startAll(dir);
    // The push service's dispatcher reads the event store itself (not Kafka).
    await topology.start('push-service', { DATABASE_URL: push.url, WEBHOOK_SIGNING_SECRET: randomBytes(32).toString('hex') });
  }, 180_000);

  afterAll(async () => {
    await topology?.stopAll();
    await receiver.stop();
    await Promise.all(dbs.map((d) => d.drop()));
    removeDir(dir);
  }, 60_000);

  it('a command through the gateway is one trace: gateway request → forward → needs service request → command → append → relay publish → projector apply; and the push dispatch reading the store', async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const res = await fetch(`${topology.gateway.url}/api/needs`, {
      method: 'POST',
      headers: { ...topology.users['cadre-01'], 'content-type': 'application/json', traceparent: `00-${traceId}-${clientSpanId}-01` },
      body: JSON.stringify({ villageCode: '441826105201', title: '追踪一条命令', category: 'health', publish: true, lineItems: [{ kind: 'goods', description: '药品柜', unit: '个', quantity: 1 }] }),
    });
    expect(res.status).toBe(201);
    const { needId } = (await res.json()) as { needId: string };

    // Visible in the gateway's read model (the projector applied both events)…
    await until(async () => {
      const r = await fetch(`${topology.gateway.url}/api/needs/${needId}`, { headers: topology.users['cadre-01'] });
      return r.status === 200 && ((await r.json()) as { status: string }).status === 'published';
    }, 'the need published in the read model');
    // …and the projector's spans exported.
    const applies = () => receiver.trace(traceId).filter((s) => s.service === 'projector' && s.name === 'apply needs');
    await until(async () => applies().length >= 2, 'the projector\'s apply spans of both events');
    const dispatches = () => receiver.trace(traceId).filter((s) => s.service === 'push-service' && s.name === 'push dispatch');
    await until(async () => dispatches().length >= 1, 'the push dispatcher\'s span');
    expect(receiver.refused).toEqual([]);

    const spans = receiver.trace(traceId);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['gateway', 'needs-service', 'relay', 'projector', 'push-service']));
    const one = (service: string, name: string, kind?: number) => {
      const found = spans.filter((s) => s.service === service && s.name === name && (kind === undefined || s.kind === kind));
      expect(found.map((s) => `${s.service}: ${s.name}`)).toEqual([`${service}: ${name}`]);
      return found[0];
    };
    const gatewayRequest = one('gateway', 'POST /api/needs', SPAN_KIND.server);
    expect(gatewayRequest.parentSpanId).toBe(clientSpanId);
    expect(gatewayRequest.attributes['http.response.status_code']).toBe(201);
    const forward = one('gateway', 'forward POST /api/needs', SPAN_KIND.client);
    expect(forward.parentSpanId).toBe(gatewayRequest.spanId);
    const serviceRequest = one('needs-service', 'POST /api/needs', SPAN_KIND.server);
    expect(serviceRequest.parentSpanId).toBe(forward.spanId);
    const command = one('needs-service', 'command need');
    expect(command.parentSpanId).toBe(serviceRequest.spanId);
    expect(command.attributes['shecun.events']).toBe(2);
    const append = one('needs-service', 'event store append');
    expect(append.parentSpanId).toBe(command.spanId);

    // The relay publishes each event in a span that continues the command's (its metadata's traceparent)…
    const publishes = spans.filter((s) => s.service === 'relay');
    expect(publishes.map((s) => [s.name, s.kind, s.parentSpanId, s.attributes['shecun.event_type']]).sort()).toEqual([
      [`publish ${prefix}shecun.needs.v1`, SPAN_KIND.producer, command.spanId, 'NeedDrafted'],
      [`publish ${prefix}shecun.needs.v1`, SPAN_KIND.producer, command.spanId, 'NeedPublished'],
    ]);
    // …and the projector applies each under the publish of that event (the Kafka headers' traceparent), linked to the command.
    for (const apply of applies()) {
      expect(apply.kind).toBe(SPAN_KIND.consumer);
      const publish = publishes.find((p) => p.spanId === apply.parentSpanId);
      expect(publish?.attributes['messaging.message.id']).toBe(apply.attributes['messaging.message.id']);
      expect(apply.links).toEqual([{ traceId, spanId: command.spanId }]);
    }
    expect(applies().map((s) => s.attributes['shecun.event_type']).sort()).toEqual(['NeedDrafted', 'NeedPublished']);
    // The push service read NeedPublished from the event store: its dispatch continues the command from the event's metadata.
    expect(dispatches().map((s) => [s.kind, s.parentSpanId, s.attributes['shecun.event_type']])).toEqual([[SPAN_KIND.consumer, command.spanId, 'NeedPublished']]);
    // Every span of the trace hangs on one of the trace's spans, or on the client's.
    const ids = new Set([clientSpanId, ...spans.map((s) => s.spanId)]);
    expect(spans.filter((s) => !ids.has(s.parentSpanId!)).map(label)).toEqual([]);

    // The event store keeps the trace context with the events: a reader of the store continues the same trace.
    const store = await PostgresEventStore.open({ connectionString: eventStoreUrl });
    try {
      const stored = (await store.readAll(START, 10_000)).filter((e) => typeof e.metadata.traceparent === 'string' && (e.metadata.traceparent as string).includes(traceId));
      expect(stored.map((e) => [e.type, e.metadata.traceparent])).toEqual([
        ['NeedDrafted', `00-${traceId}-${command.spanId}-01`],
        ['NeedPublished', `00-${traceId}-${command.spanId}-01`],
      ]);
    } finally {
      await store.close();
    }
  }, 120_000);
});

const label = (s: ReceivedSpan) => `${s.service}: ${s.name} (parent ${s.parentSpanId ?? 'none'})`;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not seen within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
