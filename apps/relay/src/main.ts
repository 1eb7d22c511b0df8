import { Logger } from '@nestjs/common';
import { answerClientErrorsAsProblems, requiredEnv } from '@shecun/core';
import { openEventStore } from '@shecun/event-store';
import { STREAM_CATALOGUE } from '@shecun/hosting';
import { EventRelay, KafkaBus, PgRelayCheckpoints } from '@shecun/messaging';
import { createServer } from 'node:http';
import { Pool } from 'pg';

/**
 * The relay of the distributed topology: event store → Kafka, one topic per context, keyed by
 * stream. One active relay per log (a PostgreSQL advisory lock); a standby waits for the lock.
 */
async function main(): Promise<void> {
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
  const relay = new EventRelay(store, bus, checkpoints, { name: process.env.RELAY_NAME ?? 'main', topicFor: (e) => prefix + STREAM_CATALOGUE.topicFor(e.streamName) });

  let live = false;
  const health = createServer((_req, res) => {
    res.writeHead(live ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: live ? 'ok' : 'starting', checkpoint: relay.checkpoint, restarts: relay.restarts }));
  });
  // A request the HTTP parser refuses (headers too large…) gets a problem+json answer, as on every app.
  answerClientErrorsAsProblems(health);
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
