import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp } from '@shecun/core';
import { AppModule } from './app.module';
import { AppConfig } from './config';
import { serveConsole } from './console';

/** Title and description of the embedded app's OpenAPI document. */
export const API_INFO = {
  title: '社村通 API',
  description: 'Needs of assisted villages, commitments (接单) and deliveries by social organizations — 百县千镇万村',
};

/** Creates the embedded app (not yet listening), with the shared HTTP conventions. */
export async function createApp(config: AppConfig, logger: LogLevel[] | false = ['log', 'warn', 'error']): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bodyParser: false, logger });
  // On SIGTERM/SIGINT: close the app, then exit, so that 'exit' handlers (the data folder's lock) run last.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  configureHttpApp(app, {
    ...API_INFO,
    requestTimeoutMs: config.requestTimeoutMs,
    readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
  });
  serveConsole(app);
  return app;
}
