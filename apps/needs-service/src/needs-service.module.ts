import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyMiddleware, IdempotencyRecord, LivenessController } from '@shecun/core';
import { EventStoreModule } from '@shecun/event-store';
import { NEEDS_STANDING_ENTITIES, NeedsCommandsModule } from '@shecun/needs';
import { ProjectionCheckpoint, ProjectionsModule } from '@shecun/projections';
import { RegionsModule } from '@shecun/regions';


export interface NeedsServiceConfig {
  eventStoreUrl: string;
  databaseUrl: string;
}

/**
 * The needs write service: command routes of the needs context, appending to the server event
 * store. Its own PostgreSQL database keeps the idempotency records and the needs context's view of
 * organization standings, which it projects itself from the event store's log.
 */
@Module({})
export class NeedsServiceModule implements NestModule {
  static forRoot(config: NeedsServiceConfig): DynamicModule {
    return {
      module: NeedsServiceModule,
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: config.databaseUrl, entities: [IdempotencyRecord, ProjectionCheckpoint, ...NEEDS_STANDING_ENTITIES], synchronize: true }),
        EventStoreModule.forRoot(config.eventStoreUrl),
        ProjectionsModule.forRoot({ autostart: true }),
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
