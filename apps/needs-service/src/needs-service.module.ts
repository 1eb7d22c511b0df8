import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyMiddleware, LivenessController } from '@shecun/core';
import { EventStoreModule } from '@shecun/event-store';
import { AuthenticationMiddleware, IdentityAuthModule, identityOptionsFromEnv, rateLimitsFromEnv } from '@shecun/identity';
import { NeedsCommandsModule } from '@shecun/needs';
import { ProjectionsModule } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';
import { needsServiceDataSourceOptions } from './write-database';

export interface NeedsServiceConfig {
  eventStoreUrl: string;
  databaseUrl: string;
}

/**
 * The needs write service: command routes of the needs context, appending to the server event
 * store. Its own PostgreSQL database keeps only the idempotency records.
 */
@Module({})
export class NeedsServiceModule implements NestModule {
  static forRoot(config: NeedsServiceConfig): DynamicModule {
    return {
      module: NeedsServiceModule,
      imports: [
        // The schema comes from migrations (./migrations), run at start-up; never from synchronize.
        TypeOrmModule.forRoot({ ...needsServiceDataSourceOptions(config.databaseUrl), migrationsRun: true }),
        EventStoreModule.forRoot(config.eventStoreUrl),
        // Organization standings and grants, projected here from the event store's log.
        ProjectionsModule.forRoot({ autostart: true }),
        RegionsModule,
        NeedsCommandsModule,
        // Verifies tokens (JWT_PUBLIC_KEY_FILES: the gateway's public key) against its own grants view.
        IdentityAuthModule.forRoot(identityOptionsFromEnv(process.env), rateLimitsFromEnv(process.env)),
      ],
      controllers: [LivenessController],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuthenticationMiddleware, IdempotencyMiddleware).forRoutes('*');
  }
}
