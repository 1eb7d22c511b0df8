export * from './write-service';
export * from './read-model-feeds';
export * from './contexts';
