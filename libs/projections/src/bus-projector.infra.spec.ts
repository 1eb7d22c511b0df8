import { waitFor } from '@shecun/core';
import { RecordedEvent, SqliteEventStore } from '@shecun/event-store';
import { ConsumedMessage, MessageBus, toBusMessage } from '@shecun/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../../test/support/pg';
import { BUS_PROJECTOR_ENTITIES, BusParkedEventsAdmin, BusProjector, FailurePolicy, ProcessingStoppedError, Projection } from './index';

/** Keeps the ids of the events it applied; fails on `failOnId`; stops at a parked event. */
class HeldProjection implements Projection {
  readonly name = 'held-tally';
  readonly entities: Projection['entities'] = [];
  readonly onParked = 'stop' as const;
  readonly applied: string[] = [];
  failOnId?: string;
  async apply(event: RecordedEvent): Promise<void> {
    if (event.id === this.failOnId) throw new TypeError(`cannot apply ${event.id}`);
    this.applied.push(event.id);
  }
}

/** Keeps the ids of the events it applied, fails on those of `failOn`, and goes on past a parked event. */
class TallyProjection implements Projection {
  readonly name = 'tally';
  readonly entities: Projection['entities'] = [];
  readonly applied: string[] = [];
  failOn = new Set<string>();
  async apply(event: RecordedEvent): Promise<void> {
    if (this.failOn.has(event.id)) throw new TypeError(`cannot apply ${event.id}`);
    this.applied.push(event.id);
  }
}

const meta = { actorId: 't', actorRole: 'system', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() };
const unusedBus = {} as MessageBus;

/**
 * A projection that stops at a parked event holds its message (heartbeating, looking at the row
 * every second) until the event is replayed, and gives up when its consumer stops — on
 * PostgreSQL, the messages handed over directly (no broker).
 */
describe('a bus projector held at a parked event (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let readModel: DataSource;
  let store: SqliteEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    readModel = await new DataSource({ type: 'postgres', url: db.url, entities: BUS_PROJECTOR_ENTITIES, synchronize: true }).initialize();
  });
  beforeEach(() => (store = new SqliteEventStore({ path: ':memory:' })));
  afterEach(() => store.close());
  afterAll(async () => {
    await readModel.destroy();
    await db.drop();
  });

  /** Appends `count` events to `stream`; answers them as consumed messages, in order. */
  async function messages(stream: string, count: number): Promise<ConsumedMessage[]> {
    await store.append(stream, Array.from({ length: count }, () => ({ id: randomUUID(), type: 'Counted', data: {}, metadata: meta })), 'no-stream');
    const events = (await store.readAll(-1, 100)).filter((e) => e.streamName === stream);
    return events.map((e, i) => ({ ...toBusMessage(e), topic: 'held', partition: 0, offset: String(i) }));
  }

  function held(projection: HeldProjection) {
    const projector = new BusProjector(unusedBus, readModel, projection, { topics: ['held'], policy: new FailurePolicy({ maxAttempts: 2, minDelayMs: 1, maxDelayMs: 2 }) });
    const control = { running: true, heartbeats: 0 };
    const delivery = { keepAlive: async () => void (control.heartbeats += 1), isRunning: () => control.running };
    return { projector, control, handle: (message: ConsumedMessage) => projector.handle(message, delivery) };
  }

  it('given a poison event, then it holds (heartbeating) until a replay after the fix applies it, then goes on', async () => {
    const projection = new HeldProjection();
    const { projector, control, handle } = held(projection);
    const [first, poison, third] = await messages('held-a', 3);
    projection.failOnId = JSON.parse(poison.value).id;
    await handle(first);
    let done = false;
    const holding = handle(poison).then(() => (done = true));
    await waitFor(() => projector.stoppedAt !== undefined, { timeoutMs: 10_000, intervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(done).toBe(false);
    expect(control.heartbeats).toBeGreaterThanOrEqual(1);
    expect(projection.applied).toEqual([JSON.parse(first.value).id]);

    projection.failOnId = undefined;
    const admin = new BusParkedEventsAdmin([projection], readModel, async () => store, () => projector.refreshParked());
    expect((await admin.replay('held-tally', projector.stoppedAt!.eventId, 'cli:test'))[0]).toMatchObject({ resolved: true });
    await holding;
    expect(projector.stoppedAt).toBeUndefined();
    await handle(third);
    expect(projection.applied).toEqual([first, poison, third].map((m) => JSON.parse(m.value).id));
  }, 30_000);

  it('given a parked event whose stream went on, then a replay does not apply it out of order and says to rebuild', async () => {
    const projection = new TallyProjection();
    const projector = new BusProjector(unusedBus, readModel, projection, { topics: ['held'], policy: new FailurePolicy({ maxAttempts: 2, minDelayMs: 1, maxDelayMs: 2 }) });
    const delivery = { keepAlive: async () => undefined, isRunning: () => true };
    const [first, poison, third] = await messages('held-c', 3);
    const [other] = await messages('held-d', 1);
    const [otherPoison] = await messages('held-e', 1);
    const id = (m: ConsumedMessage) => JSON.parse(m.value).id as string;
    projection.failOn = new Set([id(poison), id(otherPoison)]);
    for (const m of [first, poison, third, other, otherPoison]) await projector.handle(m, delivery);
    expect(projection.applied).toEqual([first, third, other].map(id));

    projection.failOn.clear();
    const admin = new BusParkedEventsAdmin([projection], readModel, async () => store, () => projector.refreshParked());
    const results = await admin.replay('tally', undefined, 'cli:test');
    // held-c's poison: the third event of its stream was applied meanwhile; held-e's: nothing after it.
    expect(results).toEqual([
      expect.objectContaining({ eventId: id(poison), resolved: false, outOfOrder: true, error: expect.stringContaining('rebuild the projection tally') }),
      expect.objectContaining({ eventId: id(otherPoison), resolved: true }),
    ]);
    expect(projection.applied).toEqual([first, third, other, otherPoison].map(id));
  }, 30_000);

  it('given a held projection, when its consumer stops, then the message is given up with ProcessingStoppedError', async () => {
    const projection = new HeldProjection();
    const { projector, control, handle } = held(projection);
    const [poison] = await messages('held-b', 1);
    projection.failOnId = JSON.parse(poison.value).id;
    const holding = handle(poison);
    holding.catch(() => undefined);
    await waitFor(() => projector.stoppedAt !== undefined, { timeoutMs: 10_000, intervalMs: 10 });
    control.running = false;
    await expect(holding).rejects.toBeInstanceOf(ProcessingStoppedError);
  }, 30_000);
});
