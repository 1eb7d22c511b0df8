export * from './evidence.model';
export * from './inspect';
export * from './storage';
export * from './pg-storage';
export * from './evidence.service';
export * from './evidence.http';
export * from './evidence.controller';
export * from './evidence.module';
