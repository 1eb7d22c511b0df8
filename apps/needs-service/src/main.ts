import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp, requiredEnv } from '@shecun/core';
import { NeedsServiceModule } from './needs-service.module';

/** The needs write service of the distributed topology. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3001);
  const app = await NestFactory.create(
    NeedsServiceModule.forRoot({ eventStoreUrl: requiredEnv('EVENT_STORE_URL'), databaseUrl: requiredEnv('DATABASE_URL') }),
    { bodyParser: false },
  );
  app.enableShutdownHooks();
  configureHttpApp(app, { title: '社村通 needs service', description: 'Command side of the needs context' });
  await app.listen(port, process.env.HOST ?? '0.0.0.0');
  Logger.log(`needs service listening on ${port}`, 'Main');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
