export * from './types';
export * from './integration-events';
export * from './kafka-bus';
export * from './kafka-lag';
export * from './relay';
export * from './pg-relay-checkpoints';
