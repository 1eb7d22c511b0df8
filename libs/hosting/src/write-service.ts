import { DynamicModule, INestApplication, Logger, LogLevel, MiddlewareConsumer, Module, ModuleMetadata, NestModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { configureHttpApp, HealthModule, httpOptionsFromEnv, IdempotencyMiddleware, IdempotencyRecord, readinessChecks, requiredEnv, SweepLeaseModule } from '@shecun/core';
import { EVENT_STORE, EventStore, EventStoreModule } from '@shecun/event-store';
import { AuthenticationMiddleware, IDENTITY_VIEW_ENTITIES, IdentityAuthModule, identityOptionsFromEnv, rateLimitsFromEnv } from '@shecun/identity';
import { ContextDefinition, PARKED_EVENTS_ADMIN, ParkedEvent, ParkedEventsController, ProjectionCheckpoint, ProjectionHost, ProjectionVersion, ProjectionsModule, projectionsReadiness } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';
import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';

/**
 * What every write service of the distributed topology keeps in its own PostgreSQL database
 * (its events live in the event store): idempotency records, the projections' checkpoints and
 * parked events, and users with their grants, projected from the event store's log and checked on
 * every request.
 */
export const WRITE_SERVICE_BASE_ENTITIES = [IdempotencyRecord, ProjectionCheckpoint, ProjectionVersion, ParkedEvent, ...IDENTITY_VIEW_ENTITIES];

/** A write service's own database; the schema comes from its migrations, run at start-up, never from synchronize. */
export function writeServiceDataSourceOptions(url: string, entities: MixedList<Function | string | EntitySchema>, migrations: Function[]): DataSourceOptions {
  return { type: 'postgres', url, entities: entities as DataSourceOptions['entities'], migrations, synchronize: false };
}

export interface WriteServiceConfig {
  eventStoreUrl: string;
  databaseUrl: string;
  /** Every entity of the service's database, the base ones included. */
  entities: Function[];
  migrations: Function[];
  /** The contexts whose commands the service hosts (each one's `distributed.commands.modules`), one per line. */
  contexts?: readonly ContextDefinition[];
  /** Other modules the service needs. */
  imports?: ModuleMetadata['imports'];
}

/**
 * A write service: a context's command routes, appending to the server event store; tokens
 * verified with the gateway's public key (JWT_PUBLIC_KEY_FILES) against its own grants view; the
 * views its commands need projected from the event store's log into its own database.
 */
@Module({})
export class WriteServiceModule implements NestModule {
  static forRoot(config: WriteServiceConfig): DynamicModule {
    return {
      module: WriteServiceModule,
      imports: [
        TypeOrmModule.forRoot({ ...writeServiceDataSourceOptions(config.databaseUrl, config.entities, config.migrations), migrationsRun: true }),
        EventStoreModule.forRoot(config.eventStoreUrl),
        ProjectionsModule.forRoot({ autostart: true }),
        // Several instances of a service may run: each periodic sweep runs in one at a time.
        SweepLeaseModule.onPostgres(),
        RegionsModule,
        ...(config.contexts ?? []).flatMap((context) => context.distributed?.commands?.modules?.(process.env) ?? []),
        ...(config.imports ?? []),
        IdentityAuthModule.forRoot(identityOptionsFromEnv(process.env), rateLimitsFromEnv(process.env)),
        // GET /health: its database, the event store, its projections (HEALTH_MAX_LAG_EVENTS); GET /health/live.
        HealthModule.forRoot({
          inject: [getDataSourceToken(), EVENT_STORE, ProjectionHost],
          checks: (settings, dataSource: DataSource, store: EventStore, projections: ProjectionHost) => [
            readinessChecks.database(dataSource),
            readinessChecks.eventStore(store),
            projectionsReadiness(projections, store, settings.maxLagEvents),
          ],
        }),
      ],
      // The service's own projections' parked events (GET /api/admin/parked, replay, skip), on its own port.
      controllers: [ParkedEventsController],
      providers: [{ provide: PARKED_EVENTS_ADMIN, useExisting: ProjectionHost }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuthenticationMiddleware, IdempotencyMiddleware).forRoutes('*');
  }
}

/**
 * A write service's app from the environment (EVENT_STORE_URL, DATABASE_URL, the token keys,
 * REQUEST_TIMEOUT_MS), with the shared HTTP conventions, not yet listening. Settings that are not
 * valid stop it here.
 */
export async function createWriteService(name: string, config: Omit<WriteServiceConfig, 'eventStoreUrl' | 'databaseUrl'>, logger?: LogLevel[] | false): Promise<INestApplication> {
  const { requestTimeoutMs, readYourWritesTimeoutMs } = httpOptionsFromEnv(process.env);
  const app = await NestFactory.create(
    WriteServiceModule.forRoot({ ...config, eventStoreUrl: requiredEnv('EVENT_STORE_URL'), databaseUrl: requiredEnv('DATABASE_URL') }),
    { bodyParser: false, ...(logger === undefined ? {} : { logger }) },
  );
  app.enableShutdownHooks();
  configureHttpApp(app, { title: `社村通 ${name}`, description: `Command side of the ${name.replace(/ service$/, '')} context`, requestTimeoutMs, readYourWritesTimeoutMs });
  return app;
}

/** Starts a write service from the environment: EVENT_STORE_URL, DATABASE_URL, PORT, HOST, REQUEST_TIMEOUT_MS. */
export async function runWriteService(name: string, config: Omit<WriteServiceConfig, 'eventStoreUrl' | 'databaseUrl'>, defaultPort: number): Promise<void> {
  const port = Number(process.env.PORT ?? defaultPort);
  const app = await createWriteService(name, config);
  await app.listen(port, process.env.HOST ?? '0.0.0.0');
  Logger.log(`${name} listening on ${port}`, 'Main');
}
