import type { Ddl } from '@shecun/core';

// The PostgreSQL statements that create this context's tables, written once and shared by the
// migrations of every database that holds them (each app's migration keeps its own name and history
// and lists these). Never edited: a change to the tables is a new migration.

/** The idempotency records of a write service (IdempotencyRecord). */
export const IDEMPOTENCY_KEYS_DDL: Ddl = {
  up: [
    `CREATE TABLE "idempotency_keys" ("scopeKey" character varying(64) NOT NULL, "requestHash" character varying(64) NOT NULL, "completed" boolean NOT NULL DEFAULT false, "status" integer, "contentType" character varying(100), "body" text, "createdAt" character varying(40) NOT NULL, CONSTRAINT "PK_adda10b78f71ef0673596265126" PRIMARY KEY ("scopeKey"))`,
  ],
  down: [
    `DROP TABLE "idempotency_keys"`,
  ],
};
