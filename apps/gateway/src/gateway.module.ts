import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AuthenticationMiddleware } from '@shecun/identity';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { EVENT_STORE, EventStore, EventStoreModule } from '@shecun/event-store';
import { DISTRIBUTED_READ_MODEL_ENTITIES, gatewayImportsOf, READ_MODEL_FEEDS, readModelFeeds, STREAM_CATALOGUE } from '@shecun/hosting';
import { BusParkedEventsAdmin, BusReadPosition, PARKED_EVENTS_ADMIN, ParkedEventsController } from '@shecun/projections';
import { DataSource } from 'typeorm';
import { HealthModule, IdempotencyMiddleware, READ_POSITION, readinessChecks, SweepLeaseModule } from '@shecun/core';

export interface GatewayConfig {
  readDatabaseUrl: string;
  eventStoreUrl: string;
  /** The environment the contexts read their settings from (EVIDENCE_DATABASE_URL, the token keys, rate limits…). */
  env?: NodeJS.ProcessEnv;
}

/** Queries of every context from the PostgreSQL read models; histories from the event store; commands proxied to the owning service. */
@Module({})
export class GatewayModule implements NestModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: config.readDatabaseUrl, entities: DISTRIBUTED_READ_MODEL_ENTITIES, synchronize: false, migrationsRun: false }),
        EventStoreModule.forRoot(config.eventStoreUrl),
        // Sweeps the gateway runs (the scheduled reports) run on one instance at a time: an advisory lock on the read database.
        SweepLeaseModule.onPostgres(),
        // Each context's queries from the read models (and identity's sign-in, users and grants;
        // evidence uploads when EVIDENCE_DATABASE_URL is set): see each context's `distributed.gateway`.
        ...gatewayImportsOf(config.env ?? process.env),
        // GET /health: the read models' database and the event store; GET /health/live.
        HealthModule.forRoot({
          inject: [getDataSourceToken(), EVENT_STORE],
          checks: (_settings, dataSource: DataSource, store: EventStore) => [readinessChecks.database(dataSource, { zh: '读模型数据库', en: 'read-model database' }), readinessChecks.eventStore(store)],
        }),
      ],
      controllers: [ParkedEventsController],
      providers: [
        // The read models' parked events (GET /api/admin/parked, replay, skip): the projector's, in the read database.
        {
          provide: PARKED_EVENTS_ADMIN,
          inject: [EVENT_STORE, getDataSourceToken()],
          useFactory: (store: EventStore, dataSource: DataSource) => new BusParkedEventsAdmin(READ_MODEL_FEEDS.map((f) => f.create()), dataSource, async () => store),
        },
        // Read-your-writes: a read with X-Min-Position waits for the projector's feeds of that event.
        { provide: READ_POSITION, inject: [EVENT_STORE, getDataSourceToken()], useFactory: (store: EventStore, dataSource: DataSource) => new BusReadPosition(store, dataSource, readModelFeeds(), (stream) => STREAM_CATALOGUE.topicFor(stream)) },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Commands the gateway runs itself (users, grants, sessions, uploads) honour Idempotency-Key as
    // the write services do; forwarded commands never reach here (the proxy answers them first).
    consumer.apply(AuthenticationMiddleware, IdempotencyMiddleware).forRoutes('*');
  }
}
