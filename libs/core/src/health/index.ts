export * from './readiness';
export * from './health.module';
export * from './ops-readiness';
