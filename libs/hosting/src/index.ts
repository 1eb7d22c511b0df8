export * from './write-service';
export * from './read-model-feeds';
export * from './contexts';
export * from './event-catalogue';
export * from './progress-bars';
