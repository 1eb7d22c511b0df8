import { Logger } from '@nestjs/common';
import { answerClientErrorsAsProblems, requiredEnv } from '@shecun/core';
import { KafkaBus } from '@shecun/messaging';
import { IdentityOrganizationScopesProjection, IdentityProjection } from '@shecun/identity';
import { SequencedMatchingProjection } from '@shecun/matching';
import { MonitoringProjection } from '@shecun/monitoring';
import { NeedsProjection } from '@shecun/needs';
import { DonationOrganizationsProjection, DonationsProjection } from '@shecun/donations';
import { OrganizationsProjection, PairingsProjection, TeamsProjection } from '@shecun/organizations';
import { BusProjector } from '@shecun/projections';
import { createServer } from 'node:http';
import { projectorParkedCommand } from './parked-command';
import { openReadModel } from './read-model';

/**
 * The projector of the distributed topology: Kafka consumer groups feeding the PostgreSQL read
 * models. Run several instances: the group splits the partitions between them. With an argument,
 * a command on the parked events instead (`parked`, `replay [<projection>] [--event <id>]`).
 */
async function main(): Promise<void> {
  const logger = new Logger('Projector');
  const command = process.argv.slice(2);
  const dataSource = await openReadModel(requiredEnv('READ_DATABASE_URL'));
  const bus = new KafkaBus({
    brokers: (command.length ? (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092') : requiredEnv('KAFKA_BROKERS')).split(','),
    clientId: `shecun-projector-${process.pid}`,
    sessionTimeoutMs: Number(process.env.KAFKA_SESSION_TIMEOUT_MS ?? 10_000),
  });
  const prefix = process.env.TOPIC_PREFIX ?? '';
  const projectors = [
    new BusProjector(bus, dataSource, new NeedsProjection(), { topics: [`${prefix}shecun.needs.v1`], groupId: `${prefix}projector-needs` }),
    new BusProjector(bus, dataSource, new IdentityProjection(), { topics: [`${prefix}shecun.identity.v1`], groupId: `${prefix}projector-identity` }),
    // Where organizations are registered, for the gateway's user commands (the delegation rules).
    new BusProjector(bus, dataSource, new IdentityOrganizationScopesProjection(), { topics: [`${prefix}shecun.organizations.v1`], groupId: `${prefix}projector-identity-organization-scopes` }),
    new BusProjector(bus, dataSource, new OrganizationsProjection(), { topics: [`${prefix}shecun.organizations.v1`], groupId: `${prefix}projector-organizations` }),
    new BusProjector(bus, dataSource, new PairingsProjection(), { topics: [`${prefix}shecun.organizations.v1`], groupId: `${prefix}projector-pairings` }),
    new BusProjector(bus, dataSource, new TeamsProjection(), { topics: [`${prefix}shecun.organizations.v1`], groupId: `${prefix}projector-teams` }),
    new BusProjector(bus, dataSource, new DonationsProjection(), { topics: [`${prefix}shecun.donations.v1`], groupId: `${prefix}projector-donations` }),
    // The organizations' credit codes, for the donations context's IATI export.
    new BusProjector(bus, dataSource, new DonationOrganizationsProjection(), { topics: [`${prefix}shecun.organizations.v1`], groupId: `${prefix}projector-donations-organizations` }),
    // The bureau's dashboard (监测): needs figures by region, category and period.
    new BusProjector(bus, dataSource, new MonitoringProjection(), { topics: [`${prefix}shecun.needs.v1`], groupId: `${prefix}projector-monitoring` }),
    // Matching (供需对接): organizations, pairings, teams and needs; rows stamped by the change counter.
    new BusProjector(bus, dataSource, new SequencedMatchingProjection(), { topics: [`${prefix}shecun.organizations.v1`, `${prefix}shecun.needs.v1`], groupId: `${prefix}projector-matching` }),
  ];

  if (command.length) {
    process.exitCode = await projectorParkedCommand(command, projectors, dataSource);
    await dataSource.destroy();
    return;
  }

  let live = false;
  // Parked events leave the projector serving (200) but degraded: each projection's count, and the total.
  const health = createServer((_req, res) => {
    const parked = projectors.reduce((sum, p) => sum + p.parked, 0);
    res.writeHead(live ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: live ? (parked > 0 ? 'degraded' : 'ok') : 'starting', parked, projectors: projectors.map((p) => ({ name: p.projection.name, applied: p.applied, skipped: p.skipped, parked: p.parked })) }));
  });
  // A request the HTTP parser refuses (headers too large…) gets a problem+json answer, as on every app.
  answerClientErrorsAsProblems(health);
  health.listen(Number(process.env.PORT ?? 3003), process.env.HOST ?? '0.0.0.0');

  const shutdown = async () => {
    await Promise.all(projectors.map((p) => p.stop().catch(() => undefined)));
    await bus.close();
    await dataSource.destroy();
    health.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  for (const projector of projectors) await projector.start();
  live = true;
  // Replays run from the command line, in another process: the counts are read again every few seconds.
  setInterval(() => void Promise.all(projectors.map((p) => p.refreshParked())).catch(() => undefined), 5000).unref();
  logger.log(`consuming: ${projectors.map((p) => p.projection.name).join(', ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
