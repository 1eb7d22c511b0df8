export * from './write-service';
