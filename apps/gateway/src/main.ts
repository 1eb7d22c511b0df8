import { exitOnStartFailure, startJsonLogs, startTracing } from '@shecun/core';
import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp, httpOptionsFromEnv, logHttpRequests, requiredEnv } from '@shecun/core';
import { commandRoutesOf } from '@shecun/hosting';
import { commandProxy } from './command-proxy';
import { GatewayModule } from './gateway.module';

/**
 * The gateway of the distributed topology: one HTTP API for users, over every service. Built from
 * the environment (READ_DATABASE_URL, EVENT_STORE_URL, the services' URLs, REQUEST_TIMEOUT_MS…),
 * not yet listening; settings that are not valid stop it here.
 */
export async function createGateway(logger?: LogLevel[] | false): Promise<INestApplication> {
  const { requestTimeoutMs, readYourWritesTimeoutMs } = httpOptionsFromEnv(process.env);
  const app = await NestFactory.create(
    GatewayModule.forRoot({ readDatabaseUrl: requiredEnv('READ_DATABASE_URL'), eventStoreUrl: requiredEnv('EVENT_STORE_URL'), env: process.env }),
    { bodyParser: false, ...(logger === undefined ? {} : { logger }) },
  );
  app.enableShutdownHooks();
  // Commands go to the write service owning their context (each context's `distributed.commands`).
  // A service whose URL is not set has no command routes here (its POSTs answer 404), so a partial
  // topology can run for tests.
  const owned = commandRoutesOf(process.env);
  const routes = owned.flatMap(({ prefix, target, reads }) => (target ? [{ prefix, target, reads }] : []));
  for (const service of new Set(owned.map((r) => r.service))) {
    const target = owned.find((r) => r.service === service)?.target;
    Logger.log(target ? `${service} commands → ${target}` : `${service} commands: no service configured`, 'Main');
  }
  // Forwarded commands are logged as the gateway's own requests (with the correlation id it forwards).
  logHttpRequests(app);
  // A team suggestion is a POST that appends nothing: the gateway answers it from the matching model.
  // The wait for the owning service's answer is bounded by the same request timeout.
  app.use(commandProxy(routes, { queries: ['/api/teams/suggestions'], timeoutMs: requestTimeoutMs }));
  configureHttpApp(app, { title: '社村通 API (gateway)', description: 'Queries from read models; commands forwarded to the owning service', requestTimeoutMs, readYourWritesTimeoutMs });
  return app;
}

async function main(): Promise<void> {
  startTracing('gateway');
  startJsonLogs('gateway');
  const port = Number(process.env.PORT ?? 3000);
  const app = await createGateway();
  await app.listen(port, process.env.HOST ?? '0.0.0.0');
  Logger.log(`gateway listening on ${port}`, 'Main');
}

if (require.main === module) {
  main().catch(exitOnStartFailure);
}
