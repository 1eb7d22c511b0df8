import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { openEventStore } from './open-event-store';
import { openSnapshotStore } from './snapshots/open-snapshot-store';
import { snapshotCacheFromEnv, snapshotEveryFromEnv, snapshotSettingsOf, useSnapshots } from './snapshots/snapshot-store';
import { EVENT_STORE, EventStore } from './types';

class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await snapshotSettingsOf(this.store)?.store.close();
  }
}

/**
 * Provides EVENT_STORE, opened from a URL (see openEventStore), with the snapshot store that goes
 * with it attached (see openSnapshotStore; SNAPSHOT_EVERY, SNAPSHOT_CACHE), and closes both on shutdown.
 */
@Global()
@Module({})
export class EventStoreModule {
  static forRoot(url: string): DynamicModule {
    const open = async () => {
      const store = await openEventStore(url);
      const snapshots = await openSnapshotStore(url);
      if (snapshots) useSnapshots(store, { store: snapshots, every: snapshotEveryFromEnv(), cached: snapshotCacheFromEnv() });
      return store;
    };
    return {
      module: EventStoreModule,
      providers: [{ provide: EVENT_STORE, useFactory: open }, EventStoreCloser],
      exports: [EVENT_STORE],
    };
  }
}
