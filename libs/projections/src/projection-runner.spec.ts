import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent, SqliteEventStore } from '@shecun/event-store';
import { Column, DataSource, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import { Projection, ProjectionCheckpoint } from './projection';
import { ProjectionRunner } from './projection-runner';

@Entity('tally')
class Tally {
  @PrimaryColumn({ type: 'varchar' }) stream: string;
  @Column({ type: 'integer' }) count: number;
}

/** Counts events per stream: any double application shows as a wrong count. */
class TallyProjection implements Projection {
  readonly name = 'tally';
  readonly entities = [Tally];
  failOnType?: string;
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (event.type === this.failOnType) throw new Error('poison');
    const row = await manager.findOneBy(Tally, { stream: event.streamName });
    await manager.save(Tally, { stream: event.streamName, count: (row?.count ?? 0) + 1 });
  }
}

const meta = { actorId: 't', actorRole: 'system', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() };
const ev = (type = 'Counted') => ({ id: randomUUID(), type, data: {}, metadata: meta });

describe('ProjectionRunner (SQLite event store + SQLite read model)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let dataSource: DataSource;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'proj-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'read.sqlite'),
      entities: [Tally, ProjectionCheckpoint],
      synchronize: true,
    }).initialize();
  });
  afterEach(async () => {
    await store.close();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const counts = async () =>
    Object.fromEntries((await dataSource.getRepository(Tally).find()).map((t) => [t.stream, t.count]));

  it('catches up, follows live appends and stores its checkpoint with the rows', async () => {
    await store.append('a', [ev(), ev()], 'no-stream');
    const runner = new ProjectionRunner(store, dataSource, new TallyProjection());
    await runner.start();
    expect(await counts()).toEqual({ a: 2 });
    const { position } = await store.append('b', [ev()], 'no-stream');
    for (let i = 0; i < 100 && runner.status().checkpoint < position; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await counts()).toEqual({ a: 2, b: 1 });
    expect(await runner.checkpoint()).toBe(position);
    await runner.stop();
  });

  it('changes nothing when a batch is delivered twice', async () => {
    await store.append('a', [ev(), ev(), ev()], 'no-stream');
    const runner = new ProjectionRunner(store, dataSource, new TallyProjection());
    const batch = await store.readAll(-1, 100);
    await runner.processBatch(batch);
    await runner.processBatch(batch);
    await runner.processBatch(batch.slice(1));
    expect(await counts()).toEqual({ a: 3 });
  });

  it('rolls back rows and checkpoint together when an event fails, then resumes after the fix', async () => {
    await store.append('a', [ev(), ev('Poison'), ev()], 'no-stream');
    const projection = new TallyProjection();
    projection.failOnType = 'Poison';
    const runner = new ProjectionRunner(store, dataSource, projection);
    await expect(runner.processBatch(await store.readAll(-1, 100))).rejects.toThrow('poison');
    expect(await counts()).toEqual({});
    expect(await runner.checkpoint()).toBe(-1);
    projection.failOnType = undefined;
    await runner.catchUp();
    expect(await counts()).toEqual({ a: 3 });
  });

  it('hands whole batches to a projection that applies in bulk, in its own batch size, within the transaction', async () => {
    for (let i = 0; i < 10; i++) await store.append(`s${i % 3}`, [ev()], 'any');
    const batches: number[][] = [];
    const inner = new TallyProjection();
    const bulk: Projection = {
      name: 'bulk',
      entities: inner.entities,
      batchSize: 4,
      apply: () => Promise.reject(new Error('applyBatch expected')),
      applyBatch: async (events, manager) => {
        batches.push(events.map((e) => e.position));
        for (const e of events) await inner.apply(e, manager);
      },
    };
    const runner = new ProjectionRunner(store, dataSource, bulk);
    await runner.catchUp();
    expect(batches).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
    expect(await counts()).toEqual({ s0: 4, s1: 3, s2: 3 });
    expect(await runner.checkpoint()).toBe(10);
  });

  it('reads a large transaction from the log in chunks and lets the projection flush once, before the checkpoint', async () => {
    for (let i = 0; i < 21; i++) await store.append(`s${i % 3}`, Array.from({ length: 100 }, () => ev()), 'any');
    const calls: string[] = [];
    const inner = new TallyProjection();
    const bulk: Projection = {
      name: 'chunked',
      entities: inner.entities,
      batchSize: 5000,
      apply: () => Promise.reject(new Error('applyBatch expected')),
      applyBatch: async (events, manager) => {
        calls.push(`batch ${events.length}`);
        for (const e of events) await inner.apply(e, manager);
      },
      flush: async (manager) => {
        calls.push(`flush, checkpoint ${(await manager.findOneBy(ProjectionCheckpoint, { name: 'chunked' }))?.position ?? -1}`);
      },
    };
    const runner = new ProjectionRunner(store, dataSource, bulk);
    await runner.catchUp();
    expect(calls).toEqual(['batch 1000', 'batch 1000', 'batch 100', 'flush, checkpoint -1']);
    expect(await counts()).toEqual({ s0: 700, s1: 700, s2: 700 });
    expect(await runner.checkpoint()).toBe(2100);
  });

  it('rebuilds from position 0 with progress and ends with the same rows', async () => {
    for (let i = 0; i < 10; i++) await store.append(`s${i % 3}`, [ev()], 'any');
    const runner = new ProjectionRunner(store, dataSource, new TallyProjection());
    await runner.catchUp();
    const live = await counts();
    const progress: Array<[number, number]> = [];
    await runner.rebuild((done, total) => progress.push([done, total]));
    expect(await counts()).toEqual(live);
    expect(progress[0]).toEqual([0, 10]);
    expect(progress[progress.length - 1]).toEqual([10, 10]);
  });
});
