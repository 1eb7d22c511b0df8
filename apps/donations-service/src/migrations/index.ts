import { WriteServiceBase1795436239746 } from './1795436239746-WriteServiceBase';

/** Migrations of the donations service's database, in order. Generate the next with `scripts/generate-read-model-migration.js donations-service <Name>`. */
export const MIGRATIONS: Function[] = [WriteServiceBase1795436239746];
