import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventStoreModule } from '@shecun/event-store';
import { NEED_VIEW_ENTITIES, NeedsQueriesModule } from '@shecun/needs';
import { RegionsModule } from '@shecun/regions';
import { LivenessController } from '@shecun/core';

export interface GatewayConfig {
  readDatabaseUrl: string;
  eventStoreUrl: string;
}

/** Queries from the PostgreSQL read models; histories from the event store; commands proxied. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: config.readDatabaseUrl, entities: NEED_VIEW_ENTITIES, synchronize: false, migrationsRun: false }),
        EventStoreModule.forRoot(config.eventStoreUrl),
        RegionsModule,
        NeedsQueriesModule,
      ],
      controllers: [LivenessController],
    };
  }
}
