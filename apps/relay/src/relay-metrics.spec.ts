import { metricsRegistry, waitFor } from '@shecun/core';
import { SqliteEventStore, START } from '@shecun/event-store';
import { BusMessage, EventRelay, MessageBus, RelayCheckpointStore } from '@shecun/messaging';
import { registerRelayMetrics } from './relay-metrics';

const meta = { actorId: 'a', actorRole: 'coordinator', correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00Z' };

/** The value of a series without labels in the registry's text. */
async function sample(name: string): Promise<number> {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(await metricsRegistry.metrics());
  if (!match) throw new Error(`no sample ${name}`);
  return Number(match[1]);
}

describe('the relay’s metrics', () => {
  it('report its checkpoint and how far it is behind the store head', async () => {
    const store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 20 });
    const published: BusMessage[] = [];
    const bus: MessageBus = { publish: async (_topic, messages) => void published.push(...messages), consume: () => Promise.reject(new Error('not used')), close: async () => undefined };
    let saved = START;
    const checkpoints: RelayCheckpointStore = { load: async () => saved, save: async (_name, position) => void (saved = position), acquire: async () => undefined, release: async () => undefined };
    const relay = new EventRelay(store, bus, checkpoints, { topicFor: () => 'events' });
    registerRelayMetrics(relay, store);
    try {
      for (const n of [1, 2, 3]) await store.append(`s-${n}`, [{ id: `00000000-0000-4000-8000-00000000000${n}`, type: 'E', data: {}, metadata: meta }], 'no-stream');
      expect(await sample('shecun_relay_lag_events')).toBe((await store.headPosition()) - relay.checkpoint);
      expect(await sample('shecun_relay_lag_events')).toBeGreaterThan(0);

      await relay.start();
      await waitFor(async () => relay.checkpoint === (await store.headPosition()), { timeoutMs: 5000, intervalMs: 5 });
      expect(await sample('shecun_relay_lag_events')).toBe(0);
      expect(await sample('shecun_relay_checkpoint_position')).toBe(await store.headPosition());
      expect(await sample('shecun_relay_restarts_total')).toBe(0);
      expect(published).toHaveLength(3);
    } finally {
      await relay.stop();
      await store.close();
    }
  });
});
