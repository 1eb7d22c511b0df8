import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent, SqliteEventStore } from '@shecun/event-store';
// Generated histories (every event decided by the needs decider); a test-only use of the monitoring library.
import { syntheticNeedEvents } from './synthetic-needs';
import { Projection, ProjectionCheckpoint, ProjectionRunner } from '@shecun/projections';
import { DataSource, EntityManager } from 'typeorm';
import { commitmentStatus, lackingQuantity, needDecider, NeedState, needStatus } from './need.decider';
import { NeedEvent } from './need.events';
import { CommitmentView, LineItemView, NEED_VIEW_ENTITIES, NeedFoldRow, NeedsProjection, NeedView } from './need.projection';
import { needDocument } from './need.presenter';

/** The same projection fed one event at a time through the runner's per-event path. */
class OneByOne implements Projection {
  readonly name = 'needs-one-by-one';
  private readonly inner = new NeedsProjection();
  readonly entities = this.inner.entities;
  apply(event: RecordedEvent, manager: EntityManager) {
    return this.inner.apply(event, manager);
  }
}

describe('NeedsProjection (SQLite event store + SQLite read model)', () => {
  let dir: string;
  let store: SqliteEventStore;
  const sources: DataSource[] = [];
  const readModel = async (name: string) => {
    const ds = await new DataSource({ type: 'better-sqlite3', database: join(dir, `${name}.sqlite`), entities: [...NEED_VIEW_ENTITIES, ProjectionCheckpoint], synchronize: true }).initialize();
    sources.push(ds);
    return ds;
  };
  const tables = async (ds: DataSource) => ({
    needs: await ds.getRepository(NeedView).find({ order: { id: 'ASC' } }),
    lineItems: await ds.getRepository(LineItemView).find({ order: { needId: 'ASC', lineItemId: 'ASC' } }),
    commitments: await ds.getRepository(CommitmentView).find({ order: { needId: 'ASC', id: 'ASC' } }),
    folds: await ds.getRepository(NeedFoldRow).find({ order: { needId: 'ASC' } }),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'needs-projection-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    // Team commitments included (the generator's teams offer on behalf of two members); the generator revises no need.
    for (const e of syntheticNeedEvents({ villages: ['441826105201', '441802006001', '440112101001'], needs: 400, start: new Date('2025-01-01T00:00:00+08:00'), days: 30, seed: 11, organizations: 40 })) {
      await store.append(e.stream, [{ id: e.id, type: e.type, data: e.data, metadata: e.metadata }], e.revision === 0 ? 'no-stream' : e.revision - 1);
    }
  });
  afterAll(async () => {
    for (const ds of sources) await ds.destroy();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the same rows in batches as event by event, and what the decider folds to', async () => {
    const batched = await readModel('batched');
    const single = await readModel('single');
    await new ProjectionRunner(store, batched, new NeedsProjection()).rebuild();
    await new ProjectionRunner(store, single, new OneByOne()).rebuild();
    const got = await tables(batched);
    expect(got).toEqual(await tables(single));

    const states = new Map<string, NeedState>();
    for (const e of await store.readAll(-1, 1_000_000)) states.set(e.streamName, needDecider.evolve(states.get(e.streamName) ?? needDecider.initialState, e as unknown as NeedEvent));
    expect(got.needs).toHaveLength(400);
    for (const row of got.needs) {
      const state = states.get(`need-${row.id}`)!;
      // The served document is the read model's shape (needDocument); the fold keeps the decider's state for the next event.
      expect(JSON.parse(row.document)).toEqual(needDocument(state));
      expect(JSON.parse(got.folds.find((f) => f.needId === row.id)!.state)).toEqual(state);
      expect(row.status).toBe(needStatus(state));
      expect(got.lineItems.filter((li) => li.needId === row.id).map((li) => [li.lineItemId, li.lacking])).toEqual(state.fields.lineItems.map((li) => [li.id, lackingQuantity(state, li)]));
      expect(got.commitments.filter((c) => c.needId === row.id).map((c) => [c.id, c.status])).toEqual(state.commitments.map((c) => [c.id, commitmentStatus(c)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
    }
    expect(got.commitments.some((c) => c.teamId)).toBe(true);
  });

  it('applies a batch that repeats events it has already applied only once', async () => {
    const ds = await readModel('repeated');
    const projection = new NeedsProjection();
    const events = await store.readAll(-1, 2_000);
    await ds.transaction((m) => projection.applyBatch(events.slice(0, 1_500), m));
    // Overlapping: events 1,000–1,499 again, then on to 2,000.
    await ds.transaction((m) => projection.applyBatch(events.slice(1_000), m));
    const once = await readModel('once');
    await once.transaction((m) => projection.applyBatch(events, m));
    expect(await tables(ds)).toEqual(await tables(once));
  });

  it('a revision replaces the line items (none left over) and rewrites every commitment’s need title', async () => {
    const revisionStore = new SqliteEventStore({ path: join(dir, 'revised-events.sqlite') });
    const needId = 'n-revised';
    const at = '2026-03-01T02:00:00.000Z';
    const meta = { actorId: 'coord', actorRole: 'coordinator', correlationId: 'c', causationId: 'c', occurredAt: at };
    const fields = { title: '村小课桌椅', description: '', category: 'education', dueDate: null, autoAccept: false };
    const desks = { id: 'L1', kind: 'goods', description: '课桌椅', unit: '套', quantity: 30 };
    const books = { id: 'L2', kind: 'goods', description: '图书', unit: '册', quantity: 500 };
    const lamps = { id: 'L3', kind: 'goods', description: '护眼灯', unit: '盏', quantity: 20 };
    const events = [
      { type: 'NeedDrafted', data: { needId, villageCode: '441826105201', ...fields, lineItems: [desks, books], draftedAt: at } },
      { type: 'NeedPublished', data: { needId, publishedAt: at } },
      { type: 'CommitmentOffered', data: { needId, commitmentId: 'c1', organizationId: 'org-a', organizationName: '甲', items: [{ lineItemId: 'L1', quantity: 10 }], promisedBy: '2026-04-01', note: '', offeredAt: at } },
      { type: 'CommitmentAccepted', data: { needId, commitmentId: 'c1', automatic: false, acceptedAt: at } },
      { type: 'NeedRevised', data: { needId, ...fields, title: '村小课桌椅与照明', lineItems: [{ ...desks, quantity: 40 }, lamps], reason: '图书已由教育局配发', revisedAt: at } },
    ];
    for (const [i, e] of events.entries()) await revisionStore.append(`need-${needId}`, [{ id: `00000000-0000-4000-8000-00000000000${i}`, type: e.type, data: e.data, metadata: meta }], 'any');
    const ds = await readModel('revised');
    await new ProjectionRunner(revisionStore, ds, new NeedsProjection()).rebuild();
    const got = await tables(ds);
    expect(got.needs.map((n) => [n.title, n.lineItemCount])).toEqual([['村小课桌椅与照明', 2]]);
    expect(got.lineItems.map((li) => [li.lineItemId, li.quantity, li.accepted, li.lacking])).toEqual([['L1', 40, 10, 30], ['L3', 20, 0, 20]]);
    expect(got.commitments.map((c) => [c.id, c.needTitle, c.status])).toEqual([['c1', '村小课桌椅与照明', 'accepted']]);
    await revisionStore.close();
  });
});
