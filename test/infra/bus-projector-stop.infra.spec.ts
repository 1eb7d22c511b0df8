import { RecordedEvent, SqliteEventStore } from '@shecun/event-store';
import { EventRelay, KafkaBus, PgRelayCheckpoints } from '@shecun/messaging';
import { BUS_PROJECTOR_ENTITIES, BusParkedEventsAdmin, BusProjector, FailurePolicy, ParkedEvent, Projection } from '@shecun/projections';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { Column, DataSource, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import { removeDir } from '../support/embedded-app';
import { createTestDatabase } from '../support/pg';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

@Entity('stop_tally')
class StopTally {
  @PrimaryColumn({ type: 'varchar' }) stream: string;
  @Column({ type: 'integer' }) count: number;
}

/** Counts events per stream (a double application shows as a wrong count), declared to stop at a parked event. */
class StoppingTally implements Projection {
  readonly name = 'stop-tally';
  readonly entities = [StopTally];
  readonly onParked = 'stop' as const;
  failOnId?: string;
  readonly calls = new Map<string, number>();
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    this.calls.set(event.id, (this.calls.get(event.id) ?? 0) + 1);
    if (event.id === this.failOnId) throw new TypeError(`cannot apply ${event.id}`);
    const row = await manager.findOneBy(StopTally, { stream: event.streamName });
    await manager.save(StopTally, { stream: event.streamName, count: (row?.count ?? 0) + 1 });
  }
}

const meta = { actorId: 't', actorRole: 'system', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() };
const ev = () => ({ id: randomUUID(), type: 'Counted', data: {}, metadata: meta });

/**
 * The projector's consumer of a projection declared `onParked: 'stop'`, on the real broker and
 * PostgreSQL: a poison event is parked and the partition is held there (the events after it in the
 * stream are not applied) until an operator replays it after the fix — applied once, then the rest
 * follows — or skips it, and the rest follows without it. The embedded runner does the same
 * (libs/projections/src/projection-runner.spec.ts).
 */
describe('a bus projector that stops at a parked event (Kafka, PostgreSQL)', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `shecun.stop-tally.test-${run}`;
  let dir: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let store: SqliteEventStore;
  let readModel: DataSource;
  const bus = new KafkaBus({ brokers: BROKERS, clientId: `test-${run}`, sessionTimeoutMs: 6000 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stop-'));
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url });
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
    readModel = await new DataSource({ type: 'postgres', url: db.url, entities: [StopTally, ...BUS_PROJECTOR_ENTITIES], synchronize: true }).initialize();
  });
  afterAll(async () => {
    await bus.close();
    await store.close();
    await readModel.destroy();
    await pool.end();
    await db.drop();
    removeDir(dir);
  });

  const counts = async () => Object.fromEntries((await readModel.getRepository(StopTally).find()).map((t) => [t.stream, t.count]));
  const waitUntil = async (done: () => Promise<boolean> | boolean, ms = 60_000) => {
    for (const end = Date.now() + ms; Date.now() < end && !(await done()); ) await new Promise((r) => setTimeout(r, 100));
  };

  it('holds at the poison until it is replayed after the fix or skipped, and never applies an event twice', async () => {
    const checkpoints = new PgRelayCheckpoints(pool);
    await checkpoints.migrate();
    const relay = new EventRelay(store, bus, checkpoints, { name: `stop-${run}`, topicFor: () => topic });
    const projection = new StoppingTally();
    const projector = new BusProjector(bus, readModel, projection, { topics: [topic], groupId: `projector-${run}`, policy: new FailurePolicy({ maxAttempts: 3, minDelayMs: 1, maxDelayMs: 5 }) });
    const admin = new BusParkedEventsAdmin([projection], readModel, async () => store, () => projector.refreshParked());
    await relay.start();
    await projector.start();

    const first = ev();
    projection.failOnId = first.id;
    await store.append('flow-a', [ev(), first, ev(), ev()], 'no-stream');
    await waitUntil(() => projector.stoppedAt !== undefined);
    expect(projector.stoppedAt).toMatchObject({ eventId: first.id, error: `TypeError: cannot apply ${first.id}` });
    await new Promise((r) => setTimeout(r, 2500)); // held: looks again every second, tries nothing
    expect(await counts()).toEqual({ 'flow-a': 1 });
    expect(projection.calls.get(first.id)).toBe(3);
    expect(await readModel.getRepository(ParkedEvent).findOneByOrFail({ eventId: first.id })).toMatchObject({ projection: 'stop-tally', topic, attempts: 3, resolvedAt: null });

    // A replay while the fault remains fails again; after the fix it applies the event once and the rest follows.
    expect((await admin.replay('stop-tally', first.id, 'cli:test'))[0]).toMatchObject({ resolved: false });
    projection.failOnId = undefined;
    expect((await admin.replay('stop-tally', first.id, 'cli:test'))[0]).toMatchObject({ resolved: true });
    await waitUntil(async () => (await counts())['flow-a'] === 4);
    expect(await counts()).toEqual({ 'flow-a': 4 });
    expect(projection.calls.get(first.id)).toBe(3 + 5 + 1); // held: 3; the failing replay: 5 (PROJECTION_MAX_ATTEMPTS); the replay that applied it
    await waitUntil(() => projector.stoppedAt === undefined, 5000);
    expect(projector.stoppedAt).toBeUndefined();

    // A second poison, skipped on request: the events after it follow, it is never applied.
    const second = ev();
    projection.failOnId = second.id;
    await store.append('flow-a', [second, ev()], 3);
    await waitUntil(() => projector.stoppedAt?.eventId === second.id);
    expect(await counts()).toEqual({ 'flow-a': 4 });
    await admin.skip('stop-tally', second.id, 'user:ops', '该笔记录已由更正事件替代 (replaced by a correction)');
    await waitUntil(async () => (await counts())['flow-a'] === 5);
    expect(await counts()).toEqual({ 'flow-a': 5 });
    expect(projection.calls.get(second.id)).toBe(3);
    expect(projector.parked).toBe(0);

    await projector.stop();
    await relay.stop();
  }, 180_000);
});
