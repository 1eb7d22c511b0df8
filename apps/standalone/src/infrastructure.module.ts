import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyRecord } from '@shecun/core';
import { EventStoreModule } from '@shecun/event-store';
import { DONATION_VIEW_ENTITIES } from '@shecun/donations';
import { PUSH_VIEW_ENTITIES } from '@shecun/push';
import { IDENTITY_ORGANIZATION_SCOPE_ENTITIES, IDENTITY_VIEW_ENTITIES } from '@shecun/identity';
import { MATCHING_VIEW_ENTITIES } from '@shecun/matching';
import { NEED_VIEW_ENTITIES, NEEDS_STANDING_ENTITIES } from '@shecun/needs';
import { MONITORING_VIEW_ENTITIES } from '@shecun/monitoring';
import { ORGANIZATIONS_CONTEXT_ENTITIES } from '@shecun/organizations';
import { ParkedEvent, ProjectionCheckpoint, ProjectionsModule } from '@shecun/projections';
import { join } from 'node:path';
import { AppConfig } from './config';
import { StartupState } from './startup-state';

export const READ_MODEL_ENTITIES = [ProjectionCheckpoint, ParkedEvent, IdempotencyRecord, ...IDENTITY_VIEW_ENTITIES, ...IDENTITY_ORGANIZATION_SCOPE_ENTITIES, ...NEED_VIEW_ENTITIES, ...NEEDS_STANDING_ENTITIES, ...ORGANIZATIONS_CONTEXT_ENTITIES, ...DONATION_VIEW_ENTITIES, ...MONITORING_VIEW_ENTITIES, ...MATCHING_VIEW_ENTITIES, ...PUSH_VIEW_ENTITIES];

/**
 * The embedded topology's infrastructure: the SQLite event store (data/events.sqlite) and the
 * SQLite read models (data/read.sqlite), both in the data folder; what this start still waits for
 * ({@link StartupState}, read by GET /health).
 */
@Global()
@Module({})
export class EmbeddedInfrastructureModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: EmbeddedInfrastructureModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'better-sqlite3',
          database: join(config.dataDir, 'read.sqlite'),
          entities: READ_MODEL_ENTITIES,
          synchronize: true,
          prepareDatabase: (db: { pragma(sql: string): unknown }) => {
            db.pragma('journal_mode = WAL');
            db.pragma('synchronous = NORMAL');
            db.pragma('busy_timeout = 10000');
          },
        }),
        EventStoreModule.forRoot(`sqlite:${join(config.dataDir, 'events.sqlite')}`),
        ProjectionsModule.forRoot({ autostart: config.autostartProjections }),
      ],
      providers: [StartupState],
      exports: [StartupState],
    };
  }
}
