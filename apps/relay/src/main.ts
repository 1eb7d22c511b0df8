import { startTracing } from '@shecun/core';
import { Logger } from '@nestjs/common';
import { createOpsServer, requiredEnv } from '@shecun/core';
import { openEventStore } from '@shecun/event-store';
import { STREAM_CATALOGUE } from '@shecun/hosting';
import { EventRelay, KafkaBus, PgRelayCheckpoints } from '@shecun/messaging';
import { Pool } from 'pg';
import { registerRelayMetrics } from './relay-metrics';

/**
 * The relay of the distributed topology: event store → Kafka, one topic per context, keyed by
 * stream. One active relay per log (a PostgreSQL advisory lock); a standby waits for the lock.
 */
async function main(): Promise<void> {
  startTracing('relay');
  const logger = new Logger('Relay');
  const store = await openEventStore(requiredEnv('EVENT_STORE_URL'));
  const pool = new Pool({ connectionString: requiredEnv('DATABASE_URL') });
  // An idle connection dropped by a restarting server must not crash the relay; the pool replaces it.
  pool.on('error', (error) => logger.warn(`checkpoint database: idle connection lost (${error.message})`));
  const checkpoints = new PgRelayCheckpoints(pool);
  await checkpoints.migrate();
  const bus = new KafkaBus({ brokers: requiredEnv('KAFKA_BROKERS').split(','), clientId: 'shecun-relay' });
  // TOPIC_PREFIX separates environments (and test runs) sharing one broker.
  const prefix = process.env.TOPIC_PREFIX ?? '';
  const relay = new EventRelay(store, bus, checkpoints, { name: process.env.RELAY_NAME ?? 'main', topicFor: (e) => prefix + STREAM_CATALOGUE.topicOf(e) });

  let live = false;
  registerRelayMetrics(relay, store);
  // GET /health, GET /metrics; any other path 404 problem+json.
  const health = createOpsServer(() => ({ status: live ? 200 : 503, body: { status: live ? 'ok' : 'starting', checkpoint: relay.checkpoint, restarts: relay.restarts, ...(relay.lastError ? { lastError: relay.lastError } : {}) } }));
  health.listen(Number(process.env.PORT ?? 3002), process.env.HOST ?? '0.0.0.0');

  const shutdown = async () => {
    await relay.stop().catch(() => undefined);
    await bus.close();
    await store.close();
    await pool.end();
    health.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  logger.log('waiting for the relay lock');
  await relay.start();
  live = true;
  logger.log(`caught up at position ${relay.checkpoint}; following the log`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
