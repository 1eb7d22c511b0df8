import { metricsRegistry } from '@shecun/core';
import type { EventStore } from '@shecun/event-store';
import type { EventRelay } from '@shecun/messaging';
import { Counter, Gauge } from 'prom-client';

/**
 * The relay's series, read from it at each scrape: its checkpoint, how far it is behind the event
 * store's head, and how many times it resumed after a failure.
 */
export function registerRelayMetrics(relay: Pick<EventRelay, 'checkpoint' | 'restarts'>, store: Pick<EventStore, 'headPosition'>): void {
  new Gauge({
    name: 'shecun_relay_checkpoint_position',
    help: 'Global position of the last event the relay published and checkpointed',
    registers: [metricsRegistry],
    collect() {
      this.set(relay.checkpoint);
    },
  });
  new Gauge({
    name: 'shecun_relay_lag_events',
    help: 'Events of the log not published yet (store head minus the relay checkpoint); NaN while the event store does not answer',
    registers: [metricsRegistry],
    async collect() {
      const head = await store.headPosition().catch(() => NaN);
      this.set(Math.max(0, head - relay.checkpoint));
    },
  });
  new Counter({
    name: 'shecun_relay_restarts_total',
    help: 'Times the relay resumed after a failure (event store, checkpoint database, broker or lock lost)',
    registers: [metricsRegistry],
    collect() {
      this.reset();
      this.inc(relay.restarts);
    },
  });
}
