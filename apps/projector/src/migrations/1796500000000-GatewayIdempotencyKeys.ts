import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency records of the commands the gateway runs itself (users, grants, sessions, evidence
 * uploads), in the read database it shares with the projector. The same definition TypeORM
 * generates for IdempotencyRecord in the write services' databases.
 */
export class GatewayIdempotencyKeys1796500000000 implements MigrationInterface {
  name = 'GatewayIdempotencyKeys1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS "idempotency_keys" ("scopeKey" character varying(64) NOT NULL, "requestHash" character varying(64) NOT NULL, "completed" boolean NOT NULL DEFAULT false, "status" integer, "contentType" character varying(100), "body" text, "createdAt" character varying(40) NOT NULL, CONSTRAINT "PK_adda10b78f71ef0673596265126" PRIMARY KEY ("scopeKey"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
