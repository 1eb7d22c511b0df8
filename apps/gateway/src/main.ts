import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp, requiredEnv } from '@shecun/core';
import { commandProxy } from './command-proxy';
import { GatewayModule } from './gateway.module';

/** The gateway of the distributed topology: one HTTP API for users, over every service. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const app = await NestFactory.create(
    GatewayModule.forRoot({ readDatabaseUrl: requiredEnv('READ_DATABASE_URL'), eventStoreUrl: requiredEnv('EVENT_STORE_URL') }),
    { bodyParser: false },
  );
  app.enableShutdownHooks();
  app.use(commandProxy([{ prefix: '/api/needs', target: requiredEnv('NEEDS_SERVICE_URL') }]));
  configureHttpApp(app, { title: '社村通 API (gateway)', description: 'Queries from read models; commands forwarded to the owning service' });
  await app.listen(port, process.env.HOST ?? '0.0.0.0');
  Logger.log(`gateway listening on ${port}`, 'Main');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
