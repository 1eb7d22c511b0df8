import type { Ddl } from '@shecun/core';

// The PostgreSQL statements that create this context's tables, written once and shared by the
// migrations of every database that holds them (each app's migration keeps its own name and history
// and lists these). Never edited: a change to the tables is a new migration.

/** Organizations, pairings and teams, as first created. */
export const ORGANIZATION_VIEWS_DDL: Ddl = {
  up: [
    `CREATE TABLE "organizations_view" ("id" character varying(64) NOT NULL, "creditCode" character varying(18) NOT NULL, "name" character varying(200) NOT NULL, "type" character varying(32) NOT NULL, "homeDivisionCode" character varying(12) NOT NULL, "cityCode" character varying(4) NOT NULL, "hubKind" character varying(24), "isHub" boolean NOT NULL, "categories" character varying(200) NOT NULL, "standing" character varying(16) NOT NULL, "registeredAt" character varying(40), "updatedAt" character varying(40) NOT NULL, "revision" integer NOT NULL, "position" bigint NOT NULL, "state" text NOT NULL, CONSTRAINT "PK_7d99b03b4cd2ed3f8755ac145fc" PRIMARY KEY ("id"))`,
    `CREATE INDEX "IDX_5c8a4bd2fbfb395ac0efb5d8a1" ON "organizations_view" ("creditCode") `,
    `CREATE INDEX "IDX_09c35fd64cf1968040973c2c28" ON "organizations_view" ("homeDivisionCode") `,
    `CREATE INDEX "IDX_0bf2e5838db63b6cca85c95958" ON "organizations_view" ("cityCode") `,
    `CREATE INDEX "IDX_ea443bbb9af3e056b973545c4b" ON "organizations_view" ("isHub") `,
    `CREATE INDEX "IDX_0e90c936dc60f8a8260bbe7fda" ON "organizations_view" ("standing") `,
    `CREATE TABLE "pairings_view" ("id" character varying(80) NOT NULL, "organizationId" character varying(64) NOT NULL, "organizationName" character varying(200) NOT NULL, "targetCode" character varying(12) NOT NULL, "targetLevel" character varying(8) NOT NULL, "cityCode" character varying(4) NOT NULL, "countyCode" character varying(6) NOT NULL, "term" integer NOT NULL, "status" character varying(12) NOT NULL, "startDate" character varying(10) NOT NULL, "endDate" character varying(10) NOT NULL, "updatedAt" character varying(40) NOT NULL, "revision" integer NOT NULL, "state" text NOT NULL, CONSTRAINT "PK_37ee79c40355fdc248b2e19c49a" PRIMARY KEY ("id"))`,
    `CREATE INDEX "IDX_967bd70d1977b5d1adc9157ffe" ON "pairings_view" ("organizationId") `,
    `CREATE INDEX "IDX_dd63a8d1809632e63594ace016" ON "pairings_view" ("targetCode") `,
    `CREATE INDEX "IDX_d29084eef50b0f34d36390aaf6" ON "pairings_view" ("cityCode") `,
    `CREATE INDEX "IDX_28cff75ba37535f7c4a13f73b4" ON "pairings_view" ("countyCode") `,
    `CREATE INDEX "IDX_801222a8df7a7d203127947506" ON "pairings_view" ("status") `,
    `CREATE INDEX "IDX_ede398a88c7b1139d83bf54f55" ON "pairings_view" ("endDate") `,
    `CREATE TABLE "pairing_targets_view" ("code" character varying(12) NOT NULL, "level" character varying(8) NOT NULL, "cityCode" character varying(4) NOT NULL, "countyCode" character varying(6) NOT NULL, "isKey" boolean NOT NULL, "activePairings" integer NOT NULL, CONSTRAINT "PK_33dfa69de1554bf9b944d221b9f" PRIMARY KEY ("code"))`,
    `CREATE INDEX "IDX_03ae9e75358eae847695059f7c" ON "pairing_targets_view" ("cityCode") `,
    `CREATE INDEX "IDX_ec12a561aabfa6b5e37ff0bb5b" ON "pairing_targets_view" ("countyCode") `,
    `CREATE INDEX "IDX_cf02ef599db959843424c12ad8" ON "pairing_targets_view" ("isKey") `,
    `CREATE TABLE "teams_view" ("id" character varying(64) NOT NULL, "leadOrganizationId" character varying(64) NOT NULL, "title" character varying(200) NOT NULL, "targetCode" character varying(12) NOT NULL, "status" character varying(12) NOT NULL, "memberCount" integer NOT NULL, "updatedAt" character varying(40) NOT NULL, "revision" integer NOT NULL, "state" text NOT NULL, CONSTRAINT "PK_ae094722fe6c3a3f0117cfbf924" PRIMARY KEY ("id"))`,
    `CREATE INDEX "IDX_dc2e05f3a8d76a26ff690cf321" ON "teams_view" ("leadOrganizationId") `,
    `CREATE INDEX "IDX_b5794781656d9eb64da57b1429" ON "teams_view" ("targetCode") `,
    `CREATE INDEX "IDX_05f08d1003a8d0577d6f0238eb" ON "teams_view" ("status") `,
    `CREATE TABLE "team_members_view" ("teamId" character varying(64) NOT NULL, "organizationId" character varying(64) NOT NULL, "role" character varying(16) NOT NULL, "status" character varying(12) NOT NULL, "share" integer NOT NULL, CONSTRAINT "PK_ef4b3f221d0c16dfa7ed2ef795e" PRIMARY KEY ("teamId", "organizationId"))`,
    `CREATE INDEX "IDX_c547f8d0ed381251950b8ec669" ON "team_members_view" ("status") `,
  ],
  down: [
    `DROP INDEX "public"."IDX_c547f8d0ed381251950b8ec669"`,
    `DROP TABLE "team_members_view"`,
    `DROP INDEX "public"."IDX_05f08d1003a8d0577d6f0238eb"`,
    `DROP INDEX "public"."IDX_b5794781656d9eb64da57b1429"`,
    `DROP INDEX "public"."IDX_dc2e05f3a8d76a26ff690cf321"`,
    `DROP TABLE "teams_view"`,
    `DROP INDEX "public"."IDX_cf02ef599db959843424c12ad8"`,
    `DROP INDEX "public"."IDX_ec12a561aabfa6b5e37ff0bb5b"`,
    `DROP INDEX "public"."IDX_03ae9e75358eae847695059f7c"`,
    `DROP TABLE "pairing_targets_view"`,
    `DROP INDEX "public"."IDX_ede398a88c7b1139d83bf54f55"`,
    `DROP INDEX "public"."IDX_801222a8df7a7d203127947506"`,
    `DROP INDEX "public"."IDX_28cff75ba37535f7c4a13f73b4"`,
    `DROP INDEX "public"."IDX_d29084eef50b0f34d36390aaf6"`,
    `DROP INDEX "public"."IDX_dd63a8d1809632e63594ace016"`,
    `DROP INDEX "public"."IDX_967bd70d1977b5d1adc9157ffe"`,
    `DROP TABLE "pairings_view"`,
    `DROP INDEX "public"."IDX_0e90c936dc60f8a8260bbe7fda"`,
    `DROP INDEX "public"."IDX_ea443bbb9af3e056b973545c4b"`,
    `DROP INDEX "public"."IDX_0bf2e5838db63b6cca85c95958"`,
    `DROP INDEX "public"."IDX_09c35fd64cf1968040973c2c28"`,
    `DROP INDEX "public"."IDX_5c8a4bd2fbfb395ac0efb5d8a1"`,
    `DROP TABLE "organizations_view"`,
  ],
};
