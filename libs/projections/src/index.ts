export * from './projection';
export * from './projection-runner';
export * from './projections.module';
export * from './bus-projector';
