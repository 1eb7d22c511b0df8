import { MigrationInterface, QueryRunner } from 'typeorm';

/** The identity context's view of where organizations are registered (OrganizationScopeView); what scripts/generate-read-model-migration.js writes for it. */
export class IdentityOrganizationScopes1796397031353 implements MigrationInterface {
  name = 'IdentityOrganizationScopes1796397031353';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "identity_organization_scopes" ("organizationId" character varying(64) NOT NULL, "homeDivisionCode" character varying(12) NOT NULL, "revision" integer NOT NULL, CONSTRAINT "PK_bbe71419ebd207b8d80d008b9fd" PRIMARY KEY ("organizationId"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "identity_organization_scopes"`);
  }
}
