import { MigrationInterface, QueryRunner } from 'typeorm';

/** Statements that create some tables (`up`) and drop them again (`down`), in the order they run. */
export interface Ddl {
  readonly up: readonly string[];
  readonly down: readonly string[];
}

/**
 * A TypeORM migration named `name` (a name and its 13-digit timestamp, as TypeORM records it) made
 * of DDL written once by the contexts that own the tables: `up` runs the parts in order, `down`
 * undoes them in reverse. Lets every database that holds a context's tables list the same
 * statements under its own migration history, instead of a copy of them per app.
 */
export function ddlMigration(name: string, ...parts: Ddl[]): new () => MigrationInterface {
  if (!/\d{13}$/.test(name)) throw new Error(`migration name ${name} must end with its 13-digit timestamp`);
  const migration = class implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const part of parts) for (const statement of part.up) await queryRunner.query(statement);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const part of [...parts].reverse()) for (const statement of part.down) await queryRunner.query(statement);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
