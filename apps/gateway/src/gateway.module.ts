import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AuthenticationMiddleware, IdentityModule, identityOptionsFromEnv, rateLimitsFromEnv } from '@shecun/identity';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { EVENT_STORE, EventStore, EventStoreModule } from '@shecun/event-store';
import { DISTRIBUTED_READ_MODEL_ENTITIES, READ_MODEL_FEEDS, readModelFeeds } from '@shecun/hosting';
import { BusParkedEventsAdmin, BusReadPosition, PARKED_EVENTS_ADMIN, ParkedEventsController } from '@shecun/projections';
import { DataSource } from 'typeorm';
import { DonationsQueriesModule } from '@shecun/donations';
import { MatchingQueriesModule } from '@shecun/matching';
import { MonitoringQueriesModule } from '@shecun/monitoring';
import { NeedsQueriesModule } from '@shecun/needs';
import { OrganizationsQueriesModule } from '@shecun/organizations';
import { RegionsModule } from '@shecun/regions';
import { IdempotencyMiddleware, LivenessController, READ_POSITION } from '@shecun/core';
import { EvidenceModule } from '@shecun/evidence';

export interface GatewayConfig {
  readDatabaseUrl: string;
  eventStoreUrl: string;
  /** EVIDENCE_DATABASE_URL: the PostgreSQL database of evidence files, shared with the needs and donations services; without it no uploads or downloads. */
  evidenceDatabaseUrl?: string;
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
        RegionsModule,
        NeedsQueriesModule,
        OrganizationsQueriesModule,
        // Donation reads; a trace read appends its access-audit event to the event store from here.
        DonationsQueriesModule,
        MonitoringQueriesModule,
        // Candidates, recommended needs and team suggestions, from the matching tables the projector keeps.
        MatchingQueriesModule.withChangeCounter(),
        // Sign-in, users and grants (the identity context's write side runs here); grants are read
        // from the projector's read model. Needs JWT_PRIVATE_KEY_FILE to issue tokens.
        IdentityModule.forRoot(identityOptionsFromEnv(process.env), rateLimitsFromEnv(process.env)),
        // Uploads (POST /api/evidence) and downloads are answered here, from the shared table.
        ...(config.evidenceDatabaseUrl ? [EvidenceModule.onPostgres(config.evidenceDatabaseUrl)] : []),
      ],
      controllers: [LivenessController, ParkedEventsController],
      providers: [
        // The read models' parked events (GET /api/admin/parked, replay, skip): the projector's, in the read database.
        {
          provide: PARKED_EVENTS_ADMIN,
          inject: [EVENT_STORE, getDataSourceToken()],
          useFactory: (store: EventStore, dataSource: DataSource) => new BusParkedEventsAdmin(READ_MODEL_FEEDS.map((f) => f.create()), dataSource, async () => store),
        },
        // Read-your-writes: a read with X-Min-Position waits for the projector's feeds of that event.
        { provide: READ_POSITION, inject: [EVENT_STORE, getDataSourceToken()], useFactory: (store: EventStore, dataSource: DataSource) => new BusReadPosition(store, dataSource, readModelFeeds()) },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Commands the gateway runs itself (users, grants, sessions, uploads) honour Idempotency-Key as
    // the write services do; forwarded commands never reach here (the proxy answers them first).
    consumer.apply(AuthenticationMiddleware, IdempotencyMiddleware).forRoutes('*');
  }
}
