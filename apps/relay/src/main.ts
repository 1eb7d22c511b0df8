import { createOpsServer, exitOnStartFailure, healthSettingsFromEnv, opsReadiness, readinessChecks, requiredEnv, startJsonLogs, startTracing } from '@shecun/core';
import { Logger } from '@nestjs/common';
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
  startJsonLogs('relay');
  const settings = healthSettingsFromEnv();
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
  // Ready: the checkpoint database, the event store and the broker answer, the relay holds the lock
  // and has caught up, is not held at an event (lastError), and is within HEALTH_MAX_LAG_EVENTS of the head.
  const readiness = await opsReadiness(
    [
      readinessChecks.database({ query: (sql) => pool.query(sql) }, { zh: '检查点数据库', en: 'checkpoint database' }),
      readinessChecks.eventStore(store),
      { key: 'kafka', zh: 'Kafka 消息代理', en: 'Kafka broker', check: () => bus.describeBrokers() },
      {
        key: 'relay',
        zh: '事件转发',
        en: 'relay',
        check: async () => {
          if (!live) throw new Error(relay.lastError ? `starting: ${relay.lastError}` : 'starting: waiting for the relay lock or catching up');
          if (relay.lastError) throw new Error(relay.lastError);
          const lag = Math.max(0, (await store.headPosition()) - Math.max(0, relay.checkpoint));
          if (settings.maxLagEvents !== undefined && lag > settings.maxLagEvents) throw new Error(`${lag} events behind the log (HEALTH_MAX_LAG_EVENTS ${settings.maxLagEvents})`);
          return { checkpoint: relay.checkpoint, lag, ...(settings.maxLagEvents === undefined ? {} : { maxLagEvents: settings.maxLagEvents }) };
        },
      },
    ],
    settings,
    () => ({ status: live ? 'ok' : 'starting', checkpoint: relay.checkpoint, restarts: relay.restarts, ...(relay.lastError ? { lastError: relay.lastError } : {}) }),
  );
  // GET /health, GET /health/live, GET /metrics; any other path 404 problem+json.
  const health = createOpsServer(readiness.health);
  health.listen(Number(process.env.PORT ?? 3002), process.env.HOST ?? '0.0.0.0');

  const shutdown = async () => {
    await relay.stop().catch(() => undefined);
    await bus.close();
    await store.close();
    await pool.end();
    await readiness.close();
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

main().catch(exitOnStartFailure);
