import type { Ddl } from '@shecun/core';

// The PostgreSQL statements that create this context's tables, written once and shared by the
// migrations of every database that holds them (each app's migration keeps its own name and history
// and lists these). Never edited: a change to the tables is a new migration.

/** The matching context's own tables, as first created. */
export const MATCHING_TABLES_DDL: Ddl = {
  up: [
    `CREATE TABLE "matching_organizations" ("id" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "homeDivisionCode" character varying(12) NOT NULL, "hubKind" character varying(24), "categories" integer NOT NULL, "standing" character varying(16) NOT NULL, "revision" integer NOT NULL, "open" text NOT NULL, "deliveredOnTime" integer NOT NULL, "deliveredLate" integer NOT NULL, "withdrawn" integer NOT NULL, "position" bigint NOT NULL, CONSTRAINT "PK_9aadce58515e79d062bb14a1d74" PRIMARY KEY ("id"))`,
    `CREATE INDEX "IDX_43cb7aa4627d90c556d5f80528" ON "matching_organizations" ("position") `,
    `CREATE TABLE "matching_needs" ("id" character varying(64) NOT NULL, "villageCode" character varying(12) NOT NULL, "title" character varying(200) NOT NULL, "category" character varying(20) NOT NULL, "status" character varying(24) NOT NULL, "open" boolean NOT NULL, "publishedAt" character varying(40), "lacking" text NOT NULL, "revision" integer NOT NULL, "position" bigint NOT NULL, "state" text NOT NULL, CONSTRAINT "PK_d06abf109f152b6ee507bf453c4" PRIMARY KEY ("id"))`,
    `CREATE INDEX "IDX_9c63a683292903bf7634468589" ON "matching_needs" ("position") `,
    `CREATE TABLE "matching_pairings" ("id" character varying(80) NOT NULL, "organizationId" character varying(64) NOT NULL, "targetCode" character varying(12) NOT NULL, "active" boolean NOT NULL, "revision" integer NOT NULL, "position" bigint NOT NULL, CONSTRAINT "PK_45692ab782928c97385b38fad49" PRIMARY KEY ("id"))`,
    `CREATE INDEX "IDX_7664ab339fc8e6326096b3c557" ON "matching_pairings" ("position") `,
    `CREATE TABLE "matching_teams" ("id" character varying(64) NOT NULL, "leadOrganizationId" character varying(64) NOT NULL, "targetCode" character varying(12) NOT NULL, "categories" integer NOT NULL, "status" character varying(12) NOT NULL, "members" text NOT NULL, "revision" integer NOT NULL, "position" bigint NOT NULL, CONSTRAINT "PK_c2b65093bba4c329e9dbed54ad3" PRIMARY KEY ("id"))`,
    `CREATE INDEX "IDX_1af92a70220d646890567d0f88" ON "matching_teams" ("position") `,
  ],
  down: [
    `DROP INDEX "public"."IDX_1af92a70220d646890567d0f88"`,
    `DROP TABLE "matching_teams"`,
    `DROP INDEX "public"."IDX_7664ab339fc8e6326096b3c557"`,
    `DROP TABLE "matching_pairings"`,
    `DROP INDEX "public"."IDX_9c63a683292903bf7634468589"`,
    `DROP TABLE "matching_needs"`,
    `DROP INDEX "public"."IDX_43cb7aa4627d90c556d5f80528"`,
    `DROP TABLE "matching_organizations"`,
  ],
};
