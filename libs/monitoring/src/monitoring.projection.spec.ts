import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent, SqliteEventStore } from '@shecun/event-store';
import { needDecider, NeedEvent, NeedState, needStatus } from '@shecun/needs';
import { Projection, ProjectionCheckpoint, ProjectionRunner } from '@shecun/projections';
import { DataSource, EntityManager } from 'typeorm';
import { MonitoredNeed, MonitoringProjection } from './monitoring.projection';
import { chinaDate } from './periods';
import { syntheticNeedEvents } from '@shecun/needs';

/** The same projection fed one event at a time (no applyBatch, the runner's per-event path). */
class OneByOne implements Projection {
  readonly name = 'monitoring-one-by-one';
  private readonly inner = new MonitoringProjection();
  readonly entities = this.inner.entities;
  apply(event: RecordedEvent, manager: EntityManager) {
    return this.inner.apply(event, manager);
  }
}

describe('MonitoringProjection (SQLite event store + SQLite read model)', () => {
  let dir: string;
  let store: SqliteEventStore;
  const sources: DataSource[] = [];
  const readModel = async (name: string) => {
    const ds = await new DataSource({ type: 'better-sqlite3', database: join(dir, `${name}.sqlite`), entities: [MonitoredNeed, ProjectionCheckpoint], synchronize: true }).initialize();
    sources.push(ds);
    return ds;
  };
  const rows = async (ds: DataSource) => ds.getRepository(MonitoredNeed).find({ order: { needId: 'ASC' } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'monitoring-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    for (const e of syntheticNeedEvents({ villages: ['441826105201', '441802006001'], needs: 300, start: new Date('2025-01-01T00:00:00+08:00'), days: 60, seed: 3, organizations: 30 })) {
      await store.append(e.stream, [{ id: e.id, type: e.type, data: e.data, metadata: e.metadata }], e.revision === 0 ? 'no-stream' : e.revision - 1);
    }
  });
  afterAll(async () => {
    for (const ds of sources) await ds.destroy();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same rows batch by batch as event by event, and the decider’s status and milestones', async () => {
    const batched = await readModel('batched');
    const single = await readModel('single');
    await new ProjectionRunner(store, batched, new MonitoringProjection()).rebuild();
    await new ProjectionRunner(store, single, new OneByOne()).rebuild();
    const got = await rows(batched);
    expect(got).toEqual(await rows(single));

    const streams = new Map<string, NeedState>();
    for (const e of await store.readAll(-1, 1_000_000)) streams.set(e.streamName, needDecider.evolve(streams.get(e.streamName) ?? needDecider.initialState, e as unknown as NeedEvent));
    expect(got).toHaveLength(streams.size);
    for (const row of got) {
      const state = streams.get(`need-${row.needId}`)!;
      expect(row).toMatchObject({
        villageCode: state.villageCode, category: state.fields.category, status: needStatus(state), publishedAt: state.publishedAt,
        publishedDate: state.publishedAt ? chinaDate(state.publishedAt) : null, firstAcceptedAt: state.firstAcceptedAt, fulfilledAt: state.fulfilledAt,
      });
    }
  });

  it('changes nothing when events are applied again, in whole or in part, whatever their batch', async () => {
    const ds = await readModel('again');
    const projection = new MonitoringProjection();
    const runner = new ProjectionRunner(store, ds, projection);
    await runner.catchUp(undefined, 97);
    const before = await rows(ds);
    const events = await store.readAll(-1, 1_000_000);
    // Straight to the projection, past the runner's checkpoint: each need's stored revision guards it.
    await ds.transaction(async (manager) => {
      await projection.applyBatch(events.slice(0, 700), manager);
      await projection.applyBatch(events.slice(350, 900), manager);
      await projection.flush(manager);
    });
    await ds.transaction(async (manager) => {
      await projection.applyBatch(events.slice(350), manager);
      await projection.flush(manager);
    });
    for (const e of events.slice(0, 50)) await ds.transaction((manager) => projection.apply(e, manager));
    expect(await rows(ds)).toEqual(before);
  });

  it('keeps nothing of a transaction that rolled back, and writes only on flush', async () => {
    const ds = await readModel('rollback');
    const projection = new MonitoringProjection();
    const events = await store.readAll(-1, 1_000_000);
    await expect(
      ds.transaction(async (manager) => {
        await projection.applyBatch(events.slice(0, 800), manager);
        await projection.flush(manager);
        throw new Error('the checkpoint could not be written');
      }),
    ).rejects.toThrow('checkpoint');
    expect(await rows(ds)).toEqual([]);
    await ds.transaction((manager) => projection.applyBatch(events.slice(0, 800), manager)); // no flush: nothing written
    expect(await rows(ds)).toEqual([]);
    const runner = new ProjectionRunner(store, ds, projection);
    await runner.catchUp(undefined, 250);
    const reference = await readModel('rollback-reference');
    await new ProjectionRunner(store, reference, new OneByOne()).rebuild();
    expect(await rows(ds)).toEqual(await rows(reference));
  });
});
