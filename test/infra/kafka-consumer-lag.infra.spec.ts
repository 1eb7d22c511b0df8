import { openEventStore } from '@shecun/event-store';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { appendNeedBacklog } from '../support/backlog';
import { localBroker } from '../support/kafka-broker';
import { createTestDatabase } from '../support/pg';
import { ServiceProcess, startService, waitForHealth } from '../support/processes';

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

interface LagSeries {
  group: string;
  topic: string;
  partition: string;
  value: number;
}

/** The kafka_consumer_group_lag series of a /metrics answer. */
async function lagSeries(service: ServiceProcess): Promise<LagSeries[]> {
  const text = await fetch(`${service.url}/metrics`).then((r) => r.text());
  return [...text.matchAll(/^kafka_consumer_group_lag\{group="([^"]+)",topic="([^"]+)",partition="([^"]+)"\} (\S+)$/gm)].map((m) => ({
    group: m[1],
    topic: m[2],
    partition: m[3],
    value: Number(m[4]),
  }));
}

/** Scrapes until `done` holds for the series, or fails at the deadline with the last scrape. */
async function scrapeUntil(service: ServiceProcess, done: (series: LagSeries[]) => boolean, timeoutMs: number, what: string): Promise<LagSeries[]> {
  const deadline = Date.now() + timeoutMs;
  let last: LagSeries[] = [];
  while (Date.now() < deadline) {
    last = await lagSeries(service).catch(() => []);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not seen in ${timeoutMs} ms; last scrape: ${JSON.stringify(last)}\n${service.output().slice(-4000)}`);
}

/**
 * The projector's /metrics shows its consumer groups' lag, read from the real broker: 0 while the
 * topics are idle, above 0 once the relay publishes a burst of events faster than the projector
 * applies them, and 0 again when the projector has applied them all. With the broker stopped
 * (scripts/kafka/kafka.sh's, which the second test stops and starts again on the same log) the
 * series are left out and the failed reads counted; they return once it is back.
 */
describe('kafka_consumer_group_lag on the projector', () => {
  const run = randomBytes(4).toString('hex');
  const prefix = `lag${run}.`;
  const needsGroup = `${prefix}projector-needs`;
  const needsTopic = `${prefix}shecun.needs.v1`;
  const services: ServiceProcess[] = [];
  let events: Awaited<ReturnType<typeof createTestDatabase>>;
  let read: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    events = await createTestDatabase('shecun_lag_events');
    read = await createTestDatabase('shecun_lag_read');
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await events?.drop();
    await read?.drop();
  });

  it('rises with a burst of events and returns to 0 once they are consumed', async () => {
    const env = { KAFKA_BROKERS: BROKERS, TOPIC_PREFIX: prefix, KAFKA_SESSION_TIMEOUT_MS: '6000' };
    const projector = await startService('projector', { ...env, READ_DATABASE_URL: read.url });
    services.push(projector);
    await waitForHealth(projector, 90_000);
    // Every group, every partition of its topics, at 0: nothing was published yet.
    const idle = await scrapeUntil(projector, (s) => s.some((l) => l.group === needsGroup && l.topic === needsTopic), 30_000, 'series of the needs group');
    expect(idle.filter((l) => l.group.startsWith(prefix)).every((l) => l.value === 0)).toBe(true);
    expect(new Set(idle.filter((l) => l.group === needsGroup && l.topic === needsTopic).map((l) => l.partition)).size).toBe(3);

    const store = await openEventStore(events.url);
    const total = await appendNeedBacklog(store, 400, ['441826105201', '441402001001'], run);
    await store.close();
    const relay = await startService('relay', { ...env, EVENT_STORE_URL: events.url, DATABASE_URL: events.url });
    services.push(relay);

    const behind = await scrapeUntil(projector, (s) => s.some((l) => l.group === needsGroup && l.value > 0), 60_000, 'lag above 0');
    const peak = behind.filter((l) => l.group === needsGroup).reduce((sum, l) => sum + l.value, 0);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(total);

    await scrapeUntil(projector, (s) => s.some((l) => l.group === needsGroup) && s.filter((l) => l.group.startsWith(prefix)).every((l) => l.value === 0), 120_000, 'lag back to 0');
    // Back to 0 because every event was applied, once.
    const client = new Client({ connectionString: read.url });
    await client.connect();
    const applied = Number((await client.query(`SELECT count(*) AS n FROM processed_events WHERE projection = 'needs'`)).rows[0].n);
    await client.end();
    expect(applied).toBe(total);
    expect(projector.child.exitCode).toBeNull();
  }, 300_000);

  it('leaves the series out while the broker is down, /metrics still answering, and shows them again once it is back', async () => {
    if (!localBroker.isRunning()) return console.warn('skipped: the broker is not the one of scripts/kafka/kafka.sh, which this test restarts');
    const projector = services.find((s) => s.name === 'projector')!;
    const failures = async () => Number(/^kafka_consumer_group_lag_read_failures_total (\S+)$/m.exec(await fetch(`${projector.url}/metrics`).then((r) => r.text()))?.[1] ?? NaN);
    const before = await failures();
    localBroker.stop();
    try {
      const started = Date.now();
      await scrapeUntil(projector, (s) => !s.some((l) => l.group === needsGroup), 30_000, 'no series while the broker is down');
      // A scrape waits at most the read's timeout (5 s), never the broker.
      expect(Date.now() - started).toBeLessThan(30_000);
      const deadline = Date.now() + 30_000;
      while ((await failures()) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await failures()).toBeGreaterThan(before);
    } finally {
      localBroker.start();
    }
    await scrapeUntil(projector, (s) => s.some((l) => l.group === needsGroup) && s.filter((l) => l.group.startsWith(prefix)).every((l) => l.value === 0), 120_000, 'series back at 0');
    expect(projector.child.exitCode).toBeNull();
  }, 300_000);
});
