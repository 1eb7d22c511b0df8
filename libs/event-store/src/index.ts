export * from './types';
export * from './errors';
export * from './event-schemas';
export * from './sqlite/sqlite-event-store';
// Types only: the EventStoreDB client (gRPC) is loaded when an esdb:// store is opened, not at start.
export type { EsdbEventStore, EsdbEventStoreOptions } from './esdb/esdb-event-store';
export * from './postgres/postgres-event-store';
export * from './postgres/postgres-append-listener';
export * from './live-subscription';
export * from './open-event-store';
export * from './event-store.module';
export * from './snapshots/snapshot-store';
export * from './snapshots/sqlite-snapshot-store';
export * from './snapshots/postgres-snapshot-store';
export * from './snapshots/open-snapshot-store';
