import { PushService1795459482946 } from './1795459482946-PushService';

/** Migrations of the push service's database, in order. Generate the next with `scripts/generate-read-model-migration.js push-service <Name>`. */
export const MIGRATIONS: Function[] = [PushService1795459482946];
