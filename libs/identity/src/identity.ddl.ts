import type { Ddl } from '@shecun/core';

// The PostgreSQL statements that create this context's tables, written once and shared by the
// migrations of every database that holds them (each app's migration keeps its own name and history
// and lists these). Never edited: a change to the tables is a new migration.

/** Users, grants and the access audit, as first created. */
export const IDENTITY_VIEWS_DDL: Ddl = {
  up: [
    `CREATE TABLE "users_view" ("id" character varying(64) NOT NULL, "username" character varying(64) NOT NULL, "displayName" character varying(100) NOT NULL, "passwordHash" character varying(200), "externalSubject" character varying(300), "registeredAt" character varying(40) NOT NULL, "registeredBy" character varying(64) NOT NULL, CONSTRAINT "PK_2ed8b186dce83a446f94ac9aae4" PRIMARY KEY ("id"))`,
    `CREATE UNIQUE INDEX "IDX_ee71ac1a84d280356dfd6d7a84" ON "users_view" ("username") `,
    `CREATE INDEX "IDX_5e250b790769bdd25b325b192e" ON "users_view" ("externalSubject") `,
    `CREATE TABLE "grants_view" ("id" character varying(64) NOT NULL, "userId" character varying(64) NOT NULL, "role" character varying(20) NOT NULL, "scope" character varying(12), "organizationId" character varying(64), "organizationAdmin" boolean NOT NULL DEFAULT false, "givenAt" character varying(40) NOT NULL, "givenBy" character varying(64) NOT NULL, "revokedAt" character varying(40), "revokedBy" character varying(64), "revokeReason" character varying(500), CONSTRAINT "PK_0232163f5230e4516c85d1ccb79" PRIMARY KEY ("id"))`,
    `CREATE INDEX "IDX_135d6e604799907a4b469c157c" ON "grants_view" ("userId") `,
    `CREATE INDEX "IDX_b7b0ebd1dee5ebcf69617ba744" ON "grants_view" ("scope") `,
    `CREATE INDEX "IDX_214e055e03098fd20d6e345ade" ON "grants_view" ("organizationId") `,
    `CREATE TABLE "access_audit_view" ("position" bigint NOT NULL, "at" character varying(40) NOT NULL, "action" character varying(40) NOT NULL, "actorId" character varying(64) NOT NULL, "actorRole" character varying(20) NOT NULL, "subjectId" character varying(64) NOT NULL, "scope" character varying(12), "details" text NOT NULL, CONSTRAINT "PK_eabd5b4b5be7f38a0a2f87f466a" PRIMARY KEY ("position"))`,
    `CREATE INDEX "IDX_80e41d3933b7eff72aa0b7a4c9" ON "access_audit_view" ("at") `,
    `CREATE INDEX "IDX_429a5458813f004d317ff7e2a7" ON "access_audit_view" ("action") `,
    `CREATE INDEX "IDX_7dccd37e081d6a49bbe76f7eaf" ON "access_audit_view" ("subjectId") `,
    `CREATE INDEX "IDX_3f225db93ebe57cb18ce39c1a7" ON "access_audit_view" ("scope") `,
  ],
  down: [
    `DROP INDEX "public"."IDX_3f225db93ebe57cb18ce39c1a7"`,
    `DROP INDEX "public"."IDX_7dccd37e081d6a49bbe76f7eaf"`,
    `DROP INDEX "public"."IDX_429a5458813f004d317ff7e2a7"`,
    `DROP INDEX "public"."IDX_80e41d3933b7eff72aa0b7a4c9"`,
    `DROP TABLE "access_audit_view"`,
    `DROP INDEX "public"."IDX_214e055e03098fd20d6e345ade"`,
    `DROP INDEX "public"."IDX_b7b0ebd1dee5ebcf69617ba744"`,
    `DROP INDEX "public"."IDX_135d6e604799907a4b469c157c"`,
    `DROP TABLE "grants_view"`,
    `DROP INDEX "public"."IDX_5e250b790769bdd25b325b192e"`,
    `DROP INDEX "public"."IDX_ee71ac1a84d280356dfd6d7a84"`,
    `DROP TABLE "users_view"`,
  ],
};

/** Sessions, and the session version of users. */
export const SESSIONS_DDL: Ddl = {
  up: [
    `CREATE TABLE "sessions_view" ("id" character varying(64) NOT NULL, "userId" character varying(64) NOT NULL, "grantId" character varying(64) NOT NULL, "startedAt" character varying(40) NOT NULL, "expiresAt" character varying(40) NOT NULL, "idleExpiresAt" character varying(40) NOT NULL, "generation" integer NOT NULL DEFAULT '0', "endedAt" character varying(40), "endReason" character varying(40), CONSTRAINT "PK_088a708afdb6cc92a1371aa7947" PRIMARY KEY ("id"))`,
    `CREATE INDEX "IDX_7c018570b3ce3c056d7db15f4e" ON "sessions_view" ("userId") `,
    `ALTER TABLE "users_view" ADD "sessionVersion" integer NOT NULL DEFAULT '0'`,
  ],
  down: [
    `ALTER TABLE "users_view" DROP COLUMN "sessionVersion"`,
    `DROP INDEX "public"."IDX_7c018570b3ce3c056d7db15f4e"`,
    `DROP TABLE "sessions_view"`,
  ],
};

/** The organization of an access audit entry. */
export const ACCESS_AUDIT_ORGANIZATIONS_DDL: Ddl = {
  up: [
    `ALTER TABLE "access_audit_view" ADD "organizationId" character varying(64)`,
    `CREATE INDEX "IDX_7b3dd0d09c13849cab67dd6106" ON "access_audit_view" ("organizationId") `,
  ],
  down: [
    `DROP INDEX "public"."IDX_7b3dd0d09c13849cab67dd6106"`,
    `ALTER TABLE "access_audit_view" DROP COLUMN "organizationId"`,
  ],
};
