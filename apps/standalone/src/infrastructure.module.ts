import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyRecord } from '@shecun/core';
import { EVENT_STORE, EventStore, SqliteEventStore } from '@shecun/event-store';
import { NEED_VIEW_ENTITIES } from '@shecun/needs';
import { ProjectionCheckpoint, ProjectionsModule } from '@shecun/projections';
import { join } from 'node:path';
import { AppConfig } from './config';

export const READ_MODEL_ENTITIES = [ProjectionCheckpoint, IdempotencyRecord, ...NEED_VIEW_ENTITIES];

class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * The embedded topology's infrastructure: the SQLite event store (data/events.sqlite) and the
 * SQLite read models (data/read.sqlite), both in the data folder.
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
        ProjectionsModule.forRoot({ autostart: config.autostartProjections }),
      ],
      providers: [
        { provide: EVENT_STORE, useFactory: () => new SqliteEventStore({ path: join(config.dataDir, 'events.sqlite') }) },
        EventStoreCloser,
      ],
      exports: [EVENT_STORE],
    };
  }
}
