import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { openEventStore } from './open-event-store';
import { EVENT_STORE, EventStore } from './types';

class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Provides EVENT_STORE, opened from a URL (see openEventStore), and closes it on shutdown. */
@Global()
@Module({})
export class EventStoreModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [{ provide: EVENT_STORE, useFactory: () => openEventStore(url) }, EventStoreCloser],
      exports: [EVENT_STORE],
    };
  }
}
