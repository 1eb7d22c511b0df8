export * from './volunteer.decider';
export * from './volunteer.projection';
export * from './volunteer.controller';
export * from './volunteer.module';
export * from './context';
