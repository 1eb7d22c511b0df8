import { MigrationInterface, QueryRunner } from 'typeorm';

/** processed_events by the time of processing: the projector prunes rows past PROCESSED_EVENTS_RETENTION_HOURS. */
export class ProcessedEventsByAge1796700000000 implements MigrationInterface {
  name = 'ProcessedEventsByAge1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_processed_events_processedAt" ON "processed_events" ("processedAt")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_processed_events_processedAt"`);
  }
}
