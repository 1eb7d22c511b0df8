import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent, SqliteEventStore } from '@shecun/event-store';
import { Column, DataSource, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import { FailurePolicy } from './failure-policy';
import { ParkedEvent, skipParkedEvent } from './parked-events';
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
  /** Throws for this one event (a bug that one event's data trips). */
  failOnId?: string;
  /** Throws a database-busy error this many more times (a transient fault). */
  busy = 0;
  /** Calls per event id. */
  readonly calls = new Map<string, number>();
  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    this.calls.set(event.id, (this.calls.get(event.id) ?? 0) + 1);
    if (this.busy > 0 && this.busy--) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    if (event.id === this.failOnId) throw new TypeError(`cannot apply ${event.id}`);
    if (event.type === this.failOnType) throw new Error('poison');
    const row = await manager.findOneBy(Tally, { stream: event.streamName });
    await manager.save(Tally, { stream: event.streamName, count: (row?.count ?? 0) + 1 });
  }
}

/** The same, declared to stop at a parked event. */
class StoppingTallyProjection extends TallyProjection {
  readonly onParked = 'stop' as const;
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

  it('live, passes batches of events it does not handle without a transaction each; stores the checkpoint with the next work and on stop', async () => {
    class CountedOnly extends TallyProjection {
      readonly eventTypes = ['Counted'];
    }
    await store.append('a', [ev()], 'no-stream');
    // However slow the machine, no timed store comes in between (the default is once a second).
    const runner = new ProjectionRunner(store, dataSource, new CountedOnly(), { skippedCheckpointMs: 60_000 });
    await runner.start();
    const stored = await runner.checkpoint();
    const reached = async (position: number) => {
      for (let i = 0; i < 200 && runner.status().checkpoint < position; i++) await new Promise((r) => setTimeout(r, 5));
      expect(runner.status().checkpoint).toBe(position);
    };
    // Sign-ins and the like: none of its types.
    const signIns = await store.append('s', [ev('SessionStarted'), ev('SessionStarted')], 'no-stream');
    await reached(signIns.position);
    expect(await runner.checkpoint()).toBe(stored);
    // The next batch with work stores everything up to it.
    const counted = await store.append('a', [ev()], 0);
    await reached(counted.position);
    expect(await runner.checkpoint()).toBe(counted.position);
    expect(await counts()).toEqual({ a: 2 });
    // Moved in memory again, then stored on the way out.
    const more = await store.append('s', [ev('SessionStarted')], 1);
    await reached(more.position);
    await runner.stop();
    expect(await runner.checkpoint()).toBe(more.position);
    // Read again from the start after a restart: nothing counted twice.
    await runner.processBatch(await store.readAll(-1, 100));
    expect(await counts()).toEqual({ a: 2 });
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

  it('applies a transaction of its batch size in one call and lets the projection flush once, before the checkpoint', async () => {
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
    expect(calls).toEqual(['batch 2100', 'flush, checkpoint -1']);
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

describe('ProjectionRunner under the failure policy (SQLite, with parked_events)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let dataSource: DataSource;
  const policy = new FailurePolicy({ maxAttempts: 5, minDelayMs: 1, maxDelayMs: 5 });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'proj-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
    dataSource = await new DataSource({ type: 'better-sqlite3', database: join(dir, 'read.sqlite'), entities: [Tally, ProjectionCheckpoint, ParkedEvent], synchronize: true }).initialize();
  });
  afterEach(async () => {
    await store.close();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const counts = async () => Object.fromEntries((await dataSource.getRepository(Tally).find()).map((t) => [t.stream, t.count]));
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  /** Six events over streams s0 and s1, the fourth (position 4, in s1) a poison; then a rebuild of `projection`. */
  const rebuiltOverPoison = async <P extends TallyProjection>(projection: P) => {
    const poison = ev();
    for (let i = 0; i < 6; i++) await store.append(`s${i % 2}`, i === 3 ? [poison] : [ev()], 'any');
    projection.failOnId = poison.id;
    const runner = new ProjectionRunner(store, dataSource, projection, { policy });
    await runner.rebuild();
    return { poison, projection, runner };
  };

  it('given a poison event among live appends, when it keeps failing, then it is parked after 5 attempts, with the checkpoint past it, and later events apply', async () => {
    await store.append('a', [ev(), ev()], 'no-stream');
    const projection = new TallyProjection();
    const runner = new ProjectionRunner(store, dataSource, projection, { policy });
    await runner.start();
    const poison = ev();
    projection.failOnId = poison.id;
    // The last of its stream: a replay may apply it (a later event of its stream would make it out of order).
    await store.append('b', [ev(), ev(), poison], 'no-stream');
    const { position } = await store.append('c', [ev()], 'no-stream');
    await until(() => runner.status().checkpoint >= position);

    expect(await counts()).toEqual({ a: 2, b: 2, c: 1 });
    expect(projection.calls.get(poison.id)).toBe(1 + 5); // the batch that failed, then 5 attempts on its own
    const [parked] = await dataSource.getRepository(ParkedEvent).find();
    expect(parked).toMatchObject({ projection: 'tally', eventId: poison.id, position: 5, eventType: 'Counted', stream: 'b', attempts: 5, resolvedAt: null, topic: null });
    expect(parked.error).toBe(`TypeError: cannot apply ${poison.id}`);
    expect(runner.status()).toMatchObject({ checkpoint: position, caughtUp: true, parked: 1 });
    expect(runner.status().error).toBeUndefined();
    await runner.stop();

    // A restart does not try it again and still counts it.
    const again = new ProjectionRunner(store, dataSource, projection, { policy });
    await again.start();
    expect(again.status().parked).toBe(1);
    expect(projection.calls.get(poison.id)).toBe(6);

    // After the fix, the replay applies it (read back from the event store) and keeps the row, resolved.
    projection.failOnId = undefined;
    const results = await again.replayParked();
    expect(results).toEqual([{ projection: 'tally', eventId: poison.id, eventType: 'Counted', position: 5, resolved: true }]);
    expect(await counts()).toEqual({ a: 2, b: 3, c: 1 });
    const resolved = await dataSource.getRepository(ParkedEvent).findOneByOrFail({ eventId: poison.id });
    expect(resolved.resolvedAt).toEqual(expect.any(String));
    expect(again.status().parked).toBe(0);
    expect(await again.replayParked()).toEqual([]);
    await again.stop();
  });

  it('given a replay while the fault remains, when it fails again, then the event stays parked with the new error and attempts', async () => {
    const poison = ev();
    await store.append('a', [ev(), poison], 'no-stream');
    const projection = new TallyProjection();
    projection.failOnId = poison.id;
    const runner = new ProjectionRunner(store, dataSource, projection, { policy });
    await runner.catchUp();
    expect(await counts()).toEqual({ a: 1 });
    expect(await runner.checkpoint()).toBe(2);
    const [result] = await runner.replayParked(poison.id);
    expect(result).toMatchObject({ eventId: poison.id, resolved: false, error: `TypeError: cannot apply ${poison.id}` });
    expect(await dataSource.getRepository(ParkedEvent).findOneByOrFail({ eventId: poison.id })).toMatchObject({ attempts: 10, resolvedAt: null });
    expect(await counts()).toEqual({ a: 1 });
  });

  it('given the database busy for longer than 5 attempts, when the runner follows the log, then it waits it out and parks nothing', async () => {
    const projection = new TallyProjection();
    const runner = new ProjectionRunner(store, dataSource, projection, { policy });
    await runner.start();
    projection.busy = 12;
    const { position } = await store.append('a', [ev(), ev(), ev()], 'no-stream');
    await until(() => runner.status().checkpoint >= position);
    expect(await counts()).toEqual({ a: 3 });
    expect(await dataSource.getRepository(ParkedEvent).count()).toBe(0);
    expect(runner.status().parked).toBe(0);
    await runner.stop();
  });

  it('given a poison event in a rebuild, when catching up in large transactions, then only that event is parked', async () => {
    const { poison, runner } = await rebuiltOverPoison(new TallyProjection());
    expect(await counts()).toEqual({ s0: 3, s1: 2 });
    expect(await runner.checkpoint()).toBe(6);
    expect((await dataSource.getRepository(ParkedEvent).find()).map((p) => p.eventId)).toEqual([poison.id]);
  });

  describe('a projection declared to stop at a parked event', () => {
    const waitUntil = async (done: () => boolean | Promise<boolean>, ms = 8000) => {
      for (const end = Date.now() + ms; Date.now() < end && !(await done()); ) await new Promise((r) => setTimeout(r, 20));
    };
    /** a: 2 events; b: ev, poison, ev; c: 1 event — the runner stops at the poison (position 4). */
    const stoppedAtPoison = async () => {
      await store.append('a', [ev(), ev()], 'no-stream');
      const projection = new StoppingTallyProjection();
      const runner = new ProjectionRunner(store, dataSource, projection, { policy });
      await runner.start();
      const poison = ev();
      projection.failOnId = poison.id;
      await store.append('b', [ev(), poison, ev()], 'no-stream');
      const { position } = await store.append('c', [ev()], 'no-stream');
      await waitUntil(() => runner.status().stoppedAt !== undefined);
      return { projection, runner, poison, head: position };
    };

    it('given a poison event, when it keeps failing, then it is parked and nothing after it is applied, and it waits without trying again', async () => {
      const { projection, runner, poison } = await stoppedAtPoison();
      expect(runner.status()).toMatchObject({ checkpoint: 3, parked: 1, stoppedAt: { eventId: poison.id, position: 4, error: `TypeError: cannot apply ${poison.id}` } });
      expect(runner.status().error).toBeUndefined();
      expect(await counts()).toEqual({ a: 2, b: 1 });
      expect(await runner.checkpoint()).toBe(3);
      const calls = projection.calls.get(poison.id);
      await new Promise((r) => setTimeout(r, 2500)); // it looks again every second
      expect(projection.calls.get(poison.id)).toBe(calls);
      expect(await counts()).toEqual({ a: 2, b: 1 });
      expect(await dataSource.getRepository(ParkedEvent).findOneByOrFail({ eventId: poison.id })).toMatchObject({ attempts: 5, resolvedAt: null });
      await runner.stop();
    });

    it('given the fault fixed, when the event is replayed, then it is applied once, the checkpoint passes it and the rest follows', async () => {
      const { projection, runner, poison, head } = await stoppedAtPoison();
      projection.failOnId = undefined;
      expect(await runner.replayParked(poison.id, 'cli:test')).toEqual([{ projection: 'tally', eventId: poison.id, eventType: 'Counted', position: 4, resolved: true }]);
      expect(await runner.checkpoint()).toBeGreaterThanOrEqual(4); // the replay moved it past the event (the runner may have gone on already)
      await waitUntil(() => runner.status().checkpoint >= head);
      expect(await counts()).toEqual({ a: 2, b: 3, c: 1 });
      expect(projection.calls.get(poison.id)).toBe(1 + 5 + 1); // the batch, 5 attempts, the replay: never again
      expect(runner.status().stoppedAt).toBeUndefined();
      expect(runner.status()).toMatchObject({ caughtUp: true, parked: 0 });
      await runner.stop();
    });

    it('given an operator skips the event, then the runner goes past it without applying it and the rest follows', async () => {
      const { projection, runner, poison, head } = await stoppedAtPoison();
      const calls = projection.calls.get(poison.id);
      await skipParkedEvent(dataSource, 'tally', poison.id, 'cli:test', 'replaced by a correction');
      await waitUntil(() => runner.status().checkpoint >= head);
      expect(await counts()).toEqual({ a: 2, b: 2, c: 1 });
      expect(projection.calls.get(poison.id)).toBe(calls);
      expect(runner.status().stoppedAt).toBeUndefined();
      await runner.stop();
    });

    it('given a rebuild, when it meets the poison, then catching up ends just before it and reports where it stopped', async () => {
      const { poison, projection, runner } = await rebuiltOverPoison(new StoppingTallyProjection());
      expect(await runner.checkpoint()).toBe(3);
      expect(await counts()).toEqual({ s0: 2, s1: 1 });
      expect(runner.status().stoppedAt).toMatchObject({ eventId: poison.id, position: 4 });
      // A rebuild after the fix applies it as any other event (the earlier replay's rows were emptied).
      projection.failOnId = undefined;
      await runner.replayParked(undefined, 'cli:test');
      await runner.rebuild();
      expect(await counts()).toEqual({ s0: 3, s1: 3 });
      expect(await runner.checkpoint()).toBe(6);
    });
  });
});
