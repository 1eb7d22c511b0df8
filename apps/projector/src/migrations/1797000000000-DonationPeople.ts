import { MigrationInterface, QueryRunner } from 'typeorm';

/** The donations context's record of people's display names (DonationPersonView), for the auditor's trace. */
export class DonationPeople1797000000000 implements MigrationInterface {
  name = 'DonationPeople1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "donation_people_view" ("userId" character varying(64) NOT NULL, "displayName" character varying(100) NOT NULL, "revision" integer NOT NULL, CONSTRAINT "PK_9dfba53d6033492251438868f0f" PRIMARY KEY ("userId"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "donation_people_view"`);
  }
}
