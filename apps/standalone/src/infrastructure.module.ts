import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BACKGROUND_WORK, IdempotencyRecord } from '@shecun/core';
import { EventStoreModule } from '@shecun/event-store';
import { CONTEXTS } from '@shecun/hosting';
import { ContextDefinition, ParkedEvent, ProjectionCheckpoint, ProjectionsModule, ProjectionVersion } from '@shecun/projections';
import { join } from 'node:path';
import { AppConfig } from './config';
import { StartupState } from './startup-state';

/** The embedded read database's tables: the projections' own, idempotency records, and each context's. */
export function readModelEntitiesOf(contexts: readonly ContextDefinition[]): Function[] {
  return [ProjectionCheckpoint, ProjectionVersion, ParkedEvent, IdempotencyRecord, ...contexts.flatMap((context) => context.embedded.entities)];
}

export const READ_MODEL_ENTITIES = readModelEntitiesOf(CONTEXTS);

/**
 * The embedded topology's infrastructure: the SQLite event store (data/events.sqlite) and the
 * SQLite read models (data/read.sqlite), both in the data folder; what this start still waits for
 * ({@link StartupState}, read by GET /health).
 */
@Global()
@Module({})
export class EmbeddedInfrastructureModule {
  static forRoot(config: AppConfig, contexts: readonly ContextDefinition[] = CONTEXTS): DynamicModule {
    return {
      module: EmbeddedInfrastructureModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'better-sqlite3',
          database: join(config.dataDir, 'read.sqlite'),
          entities: readModelEntitiesOf(contexts),
          synchronize: true,
          prepareDatabase: (db: { pragma(sql: string): unknown }) => {
            db.pragma('journal_mode = WAL');
            db.pragma('synchronous = NORMAL');
            db.pragma('busy_timeout = 10000');
            // 64 MiB of page cache (SQLite's default is 2 MiB): a rebuild's batches touch pages all over the indexes.
            db.pragma('cache_size = -65536');
          },
        }),
        EventStoreModule.forRoot(`sqlite:${join(config.dataDir, 'events.sqlite')}`),
        ProjectionsModule.forRoot({ autostart: config.autostartProjections }),
      ],
      providers: [StartupState, { provide: BACKGROUND_WORK, useValue: config.backgroundWork !== false }],
      exports: [StartupState, BACKGROUND_WORK],
    };
  }
}
