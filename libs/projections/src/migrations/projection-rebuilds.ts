import { MigrationInterface, QueryRunner } from 'typeorm';

/** Where the last rebuild of each bus-fed projection left its tables (`projector rebuild`, ProjectionRebuild). */
export class ProjectionRebuilds1796900000000 implements MigrationInterface {
  name = 'ProjectionRebuilds1796900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "projection_rebuilds" ("projection" character varying(100) NOT NULL, "position" bigint NOT NULL, "rebuiltAt" character varying(40) NOT NULL, "rebuiltBy" character varying(200) NOT NULL, CONSTRAINT "PK_3d6919aaa3c663e12d9c810c559" PRIMARY KEY ("projection"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "projection_rebuilds"`);
  }
}
