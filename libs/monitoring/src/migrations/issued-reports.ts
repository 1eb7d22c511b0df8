import { MigrationInterface, QueryRunner } from 'typeorm';

/** The reports issued on the schedule (IssuedReportsProjection): one row per report, as issued. */
export class IssuedReports1797200000000 implements MigrationInterface {
  name = 'IssuedReports1797200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "monitoring_issued_reports" ("id" character varying(40) NOT NULL, "region" character varying(12) NOT NULL, "period" character varying(8) NOT NULL, "kind" character varying(8) NOT NULL, "issuedAt" character varying(40) NOT NULL, "document" text NOT NULL, CONSTRAINT "PK_db9b2c1f5c34391e3eb7d2c04d7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_1dc762264326475f3314f14d0d" ON "monitoring_issued_reports" ("region") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_1dc762264326475f3314f14d0d"`);
    await queryRunner.query(`DROP TABLE "monitoring_issued_reports"`);
  }
}
