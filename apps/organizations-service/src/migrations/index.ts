import { WriteServiceViews1795436240425 } from './1795436240425-WriteServiceViews';

/** Migrations of the organizations service's database, in order. Generate the next with `scripts/generate-read-model-migration.js organizations-service <Name>`. */
export const MIGRATIONS: Function[] = [WriteServiceViews1795436240425];
