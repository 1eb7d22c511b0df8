import { SqliteEventStore } from '@shecun/event-store';
import { EventRelay, KafkaBus, PgRelayCheckpoints } from '@shecun/messaging';
import { NEED_VIEW_ENTITIES, NeedsProjection } from '@shecun/needs';
import { BUS_PROJECTOR_ENTITIES, BusProjector, ProjectionCheckpoint, ProjectionRunner } from '@shecun/projections';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { appendNeedBacklog } from '../support/backlog';
import { removeDir } from '../support/embedded-app';
import { createTestDatabase } from '../support/pg';
import { dumpNeedsReadModel } from '../support/read-model-dump';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

/** Event store → relay → Kafka → projector → PostgreSQL read model, on the real broker and server. */
describe('relay and projector over real Kafka and PostgreSQL', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `shecun.needs.test-${run}`;
  let dir: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let store: SqliteEventStore;
  let readModel: DataSource;
  const bus = new KafkaBus({ brokers: BROKERS, clientId: `test-${run}` });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-'));
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url });
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
    readModel = await new DataSource({ type: 'postgres', url: db.url, entities: [...NEED_VIEW_ENTITIES, ...BUS_PROJECTOR_ENTITIES], synchronize: true }).initialize();
  });
  afterAll(async () => {
    await bus.close();
    await store.close();
    await readModel.destroy();
    await pool.end();
    await db.drop();
    removeDir(dir);
  });

  it('delivers every event once and the read model equals the embedded projection', async () => {
    const events = await appendNeedBacklog(store, 150, ['441826105201', '441402001001'], run);
    const checkpoints = new PgRelayCheckpoints(pool);
    await checkpoints.migrate();
    const relay = new EventRelay(store, bus, checkpoints, { name: `needs-${run}`, topicFor: () => topic });
    const projector = new BusProjector(bus, readModel, new NeedsProjection(), { topics: [topic], groupId: `projector-${run}` });
    await relay.start();
    expect(await checkpoints.load(`needs-${run}`)).toBe(await store.headPosition());
    await projector.start();
    const deadline = Date.now() + 60_000;
    while (projector.applied < events && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(projector.applied).toBe(events);

    // Redelivery (as after a crash between publish and checkpoint) changes nothing.
    const again = await store.readAll(-1, 50);
    await relay.publishBatch(again);
    const skipDeadline = Date.now() + 30_000;
    while (projector.skipped < 50 && Date.now() < skipDeadline) await new Promise((r) => setTimeout(r, 100));
    expect(projector.skipped).toBe(50);
    expect(projector.applied).toBe(events);
    await projector.stop();
    await relay.stop();

    const embedded = await new DataSource({ type: 'better-sqlite3', database: join(dir, 'read.sqlite'), entities: [...NEED_VIEW_ENTITIES, ProjectionCheckpoint], synchronize: true }).initialize();
    await new ProjectionRunner(store, embedded, new NeedsProjection()).catchUp();
    expect(await dumpNeedsReadModel(readModel)).toEqual(await dumpNeedsReadModel(embedded));
    await embedded.destroy();
  }, 120_000);
});
