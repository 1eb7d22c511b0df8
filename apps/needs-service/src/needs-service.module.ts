import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyMiddleware, LivenessController } from '@shecun/core';
import { EventStoreModule } from '@shecun/event-store';
import { NeedsCommandsModule } from '@shecun/needs';
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
        RegionsModule,
        NeedsCommandsModule,
      ],
      controllers: [LivenessController],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(IdempotencyMiddleware).forRoutes('*');
  }
}
