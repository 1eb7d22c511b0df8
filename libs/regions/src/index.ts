export * from './division-code';
export * from './regions.service';
export * from './regions.controller';
export * from './regions.module';
export * from './context';
