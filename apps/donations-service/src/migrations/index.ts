/** Migrations of the donations service's database, in order. Generate the next with `scripts/generate-read-model-migration.js donations-service <Name>`. */
export const MIGRATIONS: Function[] = [];
