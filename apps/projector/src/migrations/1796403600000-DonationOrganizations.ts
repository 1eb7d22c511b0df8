import { MigrationInterface, QueryRunner } from 'typeorm';

/** The donations context's record of organizations' identifiers (DonationOrganizationView), for the IATI export. */
export class DonationOrganizations1796403600000 implements MigrationInterface {
  name = 'DonationOrganizations1796403600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "donation_organizations_view" ("organizationId" character varying(64) NOT NULL, "creditCode" character varying(18) NOT NULL, "name" character varying(200) NOT NULL, "memberUnits" text NOT NULL, "revision" integer NOT NULL, CONSTRAINT "PK_fde97acb93aeb1c9a500668117d" PRIMARY KEY ("organizationId"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "donation_organizations_view"`);
  }
}
