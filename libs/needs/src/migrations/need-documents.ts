import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * needs_view serves the need's document (needDocument) instead of the needs decider's state, which
 * moves to the projection's own needs_fold (NeedsProjection version 2). Rows stored before it are
 * left with an empty document, which the queries answer 503 for, until the projector rebuilds the
 * needs read model from the event store (it does at start: the stored version is 1).
 */
export class NeedDocuments1797100000001 implements MigrationInterface {
  name = 'NeedDocuments1797100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "needs_view" DROP COLUMN "state"`);
    await queryRunner.query(`ALTER TABLE "needs_view" ADD "document" text NOT NULL DEFAULT ''`);
    await queryRunner.query(
      `CREATE TABLE "needs_fold" ("needId" character varying(64) NOT NULL, "revision" integer NOT NULL, "state" text NOT NULL, CONSTRAINT "PK_69ca973dc785b4abc8f846a8166" PRIMARY KEY ("needId"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "needs_fold"`);
    await queryRunner.query(`ALTER TABLE "needs_view" DROP COLUMN "document"`);
    // The decider's state is not in the documents: the needs read model is rebuilt after going back.
    await queryRunner.query(`ALTER TABLE "needs_view" ADD "state" text NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "needs_view" ALTER COLUMN "state" DROP DEFAULT`);
  }
}
