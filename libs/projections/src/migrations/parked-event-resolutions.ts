import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How a parked event was resolved (replayed or skipped), by whom and why: one migration of the
 * projections' own table, shared by every PostgreSQL database that holds `parked_events` (each
 * app lists it in its migrations).
 */
export class ParkedEventResolutions1796600000000 implements MigrationInterface {
  name = 'ParkedEventResolutions1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "parked_events" ADD "resolution" character varying(20)`);
    await queryRunner.query(`ALTER TABLE "parked_events" ADD "resolvedBy" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "parked_events" ADD "resolutionNote" text`);
    // Rows resolved before this migration were resolved by a replay.
    await queryRunner.query(`UPDATE "parked_events" SET "resolution" = 'replayed' WHERE "resolvedAt" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "parked_events" DROP COLUMN "resolutionNote"`);
    await queryRunner.query(`ALTER TABLE "parked_events" DROP COLUMN "resolvedBy"`);
    await queryRunner.query(`ALTER TABLE "parked_events" DROP COLUMN "resolution"`);
  }
}
