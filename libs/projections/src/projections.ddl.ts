import type { Ddl } from '@shecun/core';

// The PostgreSQL statements that create this context's tables, written once and shared by the
// migrations of every database that holds them (each app's migration keeps its own name and history
// and lists these). Never edited: a change to the tables is a new migration.

/** The checkpoint of each projection (ProjectionCheckpoint). */
export const PROJECTION_CHECKPOINTS_DDL: Ddl = {
  up: [
    `CREATE TABLE "projection_checkpoints" ("name" character varying(100) NOT NULL, "position" bigint NOT NULL, "updatedAt" character varying(40) NOT NULL, CONSTRAINT "PK_0f69cb98ee85030b5da44336510" PRIMARY KEY ("name"))`,
  ],
  down: [
    `DROP TABLE "projection_checkpoints"`,
  ],
};

/** Events a processor parked after its retries (ParkedEvent). */
export const PARKED_EVENTS_DDL: Ddl = {
  up: [
    `CREATE TABLE "parked_events" ("projection" character varying(100) NOT NULL, "eventId" character varying(64) NOT NULL, "position" bigint NOT NULL, "topic" character varying(200), "partition" integer, "offset" character varying(30), "eventType" character varying(200) NOT NULL, "stream" character varying(200) NOT NULL, "error" text NOT NULL, "attempts" integer NOT NULL, "parkedAt" character varying(40) NOT NULL, "resolvedAt" character varying(40), CONSTRAINT "PK_82e3a88e48c6571a459a45d9a9a" PRIMARY KEY ("projection", "eventId"))`,
  ],
  down: [
    `DROP TABLE "parked_events"`,
  ],
};
