import { waitFor } from '@shecun/core';
import { SqliteEventStore, START } from '@shecun/event-store';
import { StreamCatalogue } from './integration-events';
import { EventRelay, RelayCheckpointStore } from './relay';
import { BusMessage, MessageBus } from './types';

const meta = { actorId: 'a', actorRole: 'coordinator', correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00Z' };

/** A broker that refuses the first `refusals` batches, then acknowledges and keeps every message. */
function flakyBus(refusals: number) {
  const published: string[] = [];
  let calls = 0;
  const bus: MessageBus = {
    publish: async (_topic: string, messages: BusMessage[]) => {
      if (++calls <= refusals) throw new Error('broker away');
      published.push(...messages.map((m) => m.key));
    },
    consume: () => Promise.reject(new Error('not used')),
    close: async () => undefined,
  };
  return { bus, published };
}

function memoryCheckpoints(): RelayCheckpointStore & { saved: number } {
  return {
    saved: START,
    async load() {
      return this.saved;
    },
    async save(_name, position) {
      this.saved = position;
    },
    acquire: async () => undefined,
    release: async () => undefined,
  };
}

describe('EventRelay supervision', () => {
  let store: SqliteEventStore;

  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 20 });
    for (const n of [1, 2, 3]) await store.append(`s-${n}`, [{ id: `00000000-0000-4000-8000-00000000000${n}`, type: 'E', data: {}, metadata: meta }], 'no-stream');
  });

  afterEach(() => store.close());

  it('given a broker refusing twice, then the relay resumes from its checkpoint and publishes every event once, in order', async () => {
    const { bus, published } = flakyBus(2);
    const checkpoints = memoryCheckpoints();
    const relay = new EventRelay(store, bus, checkpoints, { topicFor: () => 'events', maxBackoffMs: 10 });
    await relay.start();
    await relay.stop();
    expect(relay.restarts).toBe(2);
    expect(published).toEqual(['s-1', 's-2', 's-3']);
    expect(checkpoints.saved).toBe(relay.checkpoint);
  });

  it('given a relay pausing before it resumes, when it stops, then it does not sit out the pause', async () => {
    const { bus } = flakyBus(Infinity);
    const relay = new EventRelay(store, bus, memoryCheckpoints(), { topicFor: () => 'events', maxBackoffMs: 60_000 });
    void relay.start();
    await waitFor(() => relay.restarts >= 1, { timeoutMs: 5000, intervalMs: 5 });
    const stopping = Date.now();
    await relay.stop();
    expect(Date.now() - stopping).toBeLessThan(1000);
  });

  it('given an event of a type no context declares, then the relay publishes what precedes it, holds there saying why, and goes on once a release declares it', async () => {
    await store.append('s-4', [{ id: '00000000-0000-4000-8000-000000000004', type: 'Internal', data: {}, metadata: meta }], 'no-stream');
    await store.append('s-5', [{ id: '00000000-0000-4000-8000-000000000005', type: 'E', data: {}, metadata: meta }], 'no-stream');
    const refusing = new StreamCatalogue([{ name: 'spec', streams: { s: 'events' }, events: { s: ['E'] } }]);
    const { bus, published } = flakyBus(0);
    const checkpoints = memoryCheckpoints();
    const relay = new EventRelay(store, bus, checkpoints, { topicFor: (e) => refusing.topicOf(e), maxBackoffMs: 10 });
    void relay.start();
    await waitFor(() => relay.restarts >= 3, { timeoutMs: 5000, intervalMs: 5 });
    await relay.stop();
    expect(published).toEqual(['s-1', 's-2', 's-3']);
    const [third] = await store.readAll(START, 3).then((events) => events.slice(2));
    expect(checkpoints.saved).toBe(third.position);
    expect(relay.lastError).toMatch(/holds at position \d+: event type "Internal" \(stream s-4\) is declared by no context/);

    const declaring = new StreamCatalogue([{ name: 'spec', streams: { s: 'events' }, events: { s: ['E', 'Internal'] } }]);
    const released = new EventRelay(store, bus, checkpoints, { topicFor: (e) => declaring.topicOf(e), maxBackoffMs: 10 });
    await released.start();
    await released.stop();
    expect(published).toEqual(['s-1', 's-2', 's-3', 's-4', 's-5']);
    expect(released.lastError).toBeUndefined();
  });
});
