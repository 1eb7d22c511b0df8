import { createOpsServer, exitOnStartFailure, healthSettingsFromEnv, opsReadiness, readinessChecks, requiredEnv, startJsonLogs, startTracing } from '@shecun/core';
import { Logger } from '@nestjs/common';
import { KafkaBus, registerKafkaLagMetrics, WatchedGroup } from '@shecun/messaging';
import { READ_MODEL_FEEDS, STREAM_CATALOGUE } from '@shecun/hosting';
import { BusProjector, outdatedProjections, processedRetentionHoursFromEnv, Projection, pruneProcessedEvents, underVersionLock } from '@shecun/projections';
import { DataSource } from 'typeorm';
import { projectorParkedCommand } from './parked-command';
import { projectorRebuild, projectorRebuildCommand } from './rebuild-command';
import { registerProjectorMetrics } from './projector-metrics';
import { openReadModel } from './read-model';

/**
 * The projector of the distributed topology: Kafka consumer groups feeding the PostgreSQL read
 * models. Run several instances: the group splits the partitions between them. With an argument,
 * a command instead: on the parked events (`parked`, `replay [<projection>] [--event <id>]`, `skip`),
 * or `rebuild [<projection>…]` from the event store (`rebuild --clean`: only the schemas killed rebuilds
 * left dropped; rebuild-command.ts).
 */
async function main(): Promise<void> {
  startTracing('projector');
  startJsonLogs('projector');
  const settings = healthSettingsFromEnv();
  const logger = new Logger('Projector');
  const command = process.argv.slice(2);
  const dataSource = await openReadModel(requiredEnv('READ_DATABASE_URL'));
  const bus = new KafkaBus({
    brokers: (command.length ? (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092') : requiredEnv('KAFKA_BROKERS')).split(','),
    clientId: `shecun-projector-${process.pid}`,
    sessionTimeoutMs: Number(process.env.KAFKA_SESSION_TIMEOUT_MS ?? 10_000),
  });
  const prefix = process.env.TOPIC_PREFIX ?? '';
  const retentionHours = processedRetentionHoursFromEnv();
  // A feed naming a topic nothing publishes to would wait forever: refused at start.
  STREAM_CATALOGUE.check(READ_MODEL_FEEDS.flatMap((f) => f.topics));
  const groups: WatchedGroup[] = [];
  const projectors = READ_MODEL_FEEDS.map((feed) => {
    const projection = feed.create();
    const group = { topics: feed.topics.map((t) => `${prefix}${t}`), groupId: `${prefix}projector-${projection.name}` };
    groups.push(group);
    return new BusProjector(bus, dataSource, projection, group);
  });

  if (command.length) {
    process.exitCode =
      command[0] === 'rebuild'
        ? await projectorRebuildCommand(command.slice(1), projectors.map((p) => p.projection), dataSource)
        : await projectorParkedCommand(command, projectors, dataSource);
    await dataSource.destroy();
    return;
  }

  let live = false;
  // Parked events leave the projector serving (200) but degraded: each projection's count, the total, and where a stopping projection holds.
  registerProjectorMetrics(projectors);
  // kafka_consumer_group_lag of every group above, read from the broker at each scrape (an admin connection of its own).
  registerKafkaLagMetrics(bus.lagReader(), groups);
  // Ready: the read models' database and the broker answer, every feed has joined its group, and
  // (with HEALTH_MAX_LAG_EVENTS) no consumer group is further behind its topics than that.
  const readiness = await opsReadiness(
    [
      readinessChecks.database(dataSource, { zh: '读模型数据库', en: 'read-model database' }),
      { key: 'kafka', zh: 'Kafka 消息代理', en: 'Kafka broker', check: () => bus.describeBrokers() },
      readinessChecks.lag(
        'consumers',
        { zh: '消费组', en: 'consumers' },
        async () => {
          if (!live) throw new Error('starting: joining the consumer groups');
          if (settings.maxLagEvents === undefined) return {};
          const lags = await Promise.all(projectors.map(async (p) => [p.projection.name, await bus.consumerLag(p.groupId, p.topics)] as const));
          return Object.fromEntries(lags);
        },
        settings.maxLagEvents,
      ),
    ],
    settings,
    () => {
      const parked = projectors.reduce((sum, p) => sum + p.parked, 0);
      const stopped = projectors.some((p) => p.stoppedAt);
      return {
        status: live ? (parked > 0 || stopped ? 'degraded' : 'ok') : 'starting',
        parked,
        projectors: projectors.map((p) => ({ name: p.projection.name, applied: p.applied, skipped: p.skipped, parked: p.parked, ...(p.stoppedAt ? { stoppedAt: p.stoppedAt } : {}) })),
      };
    },
  );
  // GET /health, GET /health/live, GET /metrics; any other path 404 problem+json.
  const health = createOpsServer(readiness.health);
  health.listen(Number(process.env.PORT ?? 3003), process.env.HOST ?? '0.0.0.0');

  const shutdown = async () => {
    await Promise.all(projectors.map((p) => p.stop().catch(() => undefined)));
    await bus.close();
    await dataSource.destroy();
    await readiness.close();
    health.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  // Projector instances started together: one checks and rebuilds, the others wait and find the versions recorded.
  await underVersionLock(dataSource, () => rebuildOutdated(projectors.map((p) => p.projection), dataSource, logger));
  for (const projector of projectors) await projector.start();
  live = true;
  // Replays run from the command line, in another process: the counts are read again every few seconds.
  setInterval(() => void Promise.all(projectors.map((p) => p.refreshParked())).catch(() => undefined), 5000).unref();
  // Event ids kept to recognise redeliveries are pruned once no redelivery can come (every instance may: a delete is idempotent).
  const prune = () =>
    pruneProcessedEvents(dataSource, new Date(Date.now() - retentionHours * 3_600_000))
      .then((count) => count > 0 && logger.log(`pruned ${count} processed event ids older than ${retentionHours} h`))
      .catch((error) => logger.warn(`pruning processed event ids failed: ${error instanceof Error ? error.message : String(error)}`));
  void prune();
  setInterval(() => void prune(), 3_600_000).unref();
  logger.log(`consuming: ${projectors.map((p) => p.projection.name).join(', ')}`);
}

/**
 * Read models whose rows were built by another version of their projection's code (see
 * projection-versions.ts) are rebuilt from the event store before their consumer group starts:
 * the same rebuild as `main.js rebuild`, beside the tables the gateway keeps reading meanwhile.
 */
async function rebuildOutdated(projections: Projection[], dataSource: DataSource, logger: Logger): Promise<void> {
  for (;;) {
    const outdated = await outdatedProjections(dataSource, projections);
    if (outdated.length === 0) return;
    for (const o of outdated) logger.warn(`${o.name}: its rows were built by version ${o.stored}, this build writes version ${o.current}: rebuilding it from the event store`);
    if (!process.env.EVENT_STORE_URL) {
      throw new Error(`${outdated.map((o) => o.name).join(', ')} must be rebuilt from the event store: set EVENT_STORE_URL (the projector reads it to rebuild)`);
    }
    const outcome = await projectorRebuild(outdated.map((o) => o.name), projections, dataSource, (line) => logger.log(line), 'projector:version');
    if (outcome === 'done') return;
    if (outcome !== 'refused') throw new Error(`the rebuild of ${outdated.map((o) => o.name).join(', ')} was not switched (${outcome}): see the log above`);
    // Another projector instance (or an operator) is rebuilding: looked at again once it may have ended.
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

main().catch(exitOnStartFailure);
