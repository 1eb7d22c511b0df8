export * from './types';
export * from './errors';
export * from './sqlite/sqlite-event-store';
export * from './esdb/esdb-event-store';
export * from './live-subscription';
