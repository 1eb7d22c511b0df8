/**
 * The PostgreSQL store's events table: its definition, its rows and their conversion to the port,
 * and the checks an append makes against what is stored.
 */
import { PoolClient } from 'pg';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../errors';
import { recordedFromRow } from '../event-schemas';
import { AppendResult, ExpectedRevision, NewEvent, RecordedEvent } from '../types';

export interface EventRow {
  position: string;
  id: string;
  stream: string;
  revision: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
}

export const UNIQUE_VIOLATION = '23505';
export const STREAM_REVISION_KEY = 'events_stream_revision_key';
export const ID_KEY = 'events_id_key';
export const COLUMNS = 'position, id, stream, revision, type, schema_version, data::text AS data, metadata::text AS metadata';

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** bigint (returned by node-postgres as a string) → number, refusing to lose precision. */
export const toNumber = (value: string | number): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`event-store value ${value} is not a safe integer`);
  return n;
};

export const toRecorded = (row: EventRow): RecordedEvent => recordedFromRow(row, toNumber);

/** Creates the schema and the events table if missing, under a lock so concurrent migrations wait for each other. */
export async function createEventsTable(client: PoolClient, schema: string, table: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('shecun.event-store.migrate'), hashtext($1))`, [
    schema,
  ]);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${table} (
      position bigint PRIMARY KEY CHECK (position > 0),
      id text NOT NULL CONSTRAINT ${ID_KEY} UNIQUE,
      stream text NOT NULL,
      revision bigint NOT NULL CHECK (revision >= 0),
      type text NOT NULL,
      schema_version integer NOT NULL,
      data json NOT NULL,
      metadata json NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ${STREAM_REVISION_KEY} UNIQUE (stream, revision)
    )`);
}

/** A retried append: every event is stored already, in this stream, consecutively and in order. */
export async function alreadyStored(
  client: PoolClient,
  table: string,
  stream: string,
  events: NewEvent[],
): Promise<AppendResult | undefined> {
  const { rows } = await client.query<StoredRow>(
    `SELECT id, stream, revision, position FROM ${table} WHERE id = ANY($1::text[])`,
    [events.map((e) => e.id)],
  );
  return storedAlready(rows, stream, events);
}

/** Where an append's events were stored before (their rows by id), as {@link alreadyStored} reads them. */
export interface StoredRow {
  id: string;
  stream: string;
  revision: string | number;
  position: string | number;
}

/** {@link alreadyStored} on rows read already (e.g. in the same statement as the stream's revision). */
export function storedAlready(rows: StoredRow[], stream: string, events: NewEvent[]): AppendResult | undefined {
  if (rows.length === 0) return undefined;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const first = byId.get(events[0].id);
  if (!first) throw new DuplicateEventIdError(events.find((e) => byId.has(e.id))!.id, stream);
  let last = first;
  for (let i = 0; i < events.length; i++) {
    const row = byId.get(events[i].id);
    if (!row || row.stream !== stream || toNumber(row.revision) !== toNumber(first.revision) + i) {
      throw new DuplicateEventIdError(events[i].id, stream);
    }
    last = row;
  }
  return { nextRevision: toNumber(last.revision), position: toNumber(last.position) };
}

/** Throws the typed conflict when the stream's current revision (null: no stream) is not the expected one. */
export function checkExpected(stream: string, expected: ExpectedRevision, current: number | null): void {
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' && current === null) ||
    (expected === 'exists' && current !== null) ||
    (typeof expected === 'number' && expected === current);
  if (!ok) throw new WrongExpectedRevisionError(stream, expected, current ?? 'no-stream');
}
