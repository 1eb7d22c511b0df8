export * from './projection';
export * from './failure-policy';
export * from './parked-events';
export * from './projection-runner';
export * from './projections.module';
export * from './bus-projector';
export * from './parked-command';
export * from './bus-read-position';
