export * from './types';
export * from './errors';
export * from './sqlite/sqlite-event-store';
export * from './esdb/esdb-event-store';
export * from './postgres/postgres-event-store';
export * from './live-subscription';
export * from './open-event-store';
export * from './event-store.module';
