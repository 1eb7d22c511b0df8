/**
 * Mapping between the port (plain numbers, our metadata) and @eventstore/db-client (bigint
 * revisions and positions, client constants and errors, recorded events).
 */
import {
  ANY,
  AppendExpectedRevision,
  NO_STREAM,
  Position,
  ReadPosition,
  START as ESDB_START,
  STREAM_EXISTS,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { WrongExpectedRevisionError } from '../errors';
import { upcastEvent } from '../event-schemas';
import { EventMetadata, ExpectedRevision, NewEvent, RecordedEvent, START } from '../types';

/** Key under which the schema version travels in EventStoreDB's event metadata (removed when read back). */
export const SCHEMA_VERSION_KEY = '$schemaVersion';

/** Port expectation → client expectation (revisions are bigint in the client). */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no-stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  if (expected === 'exists') return STREAM_EXISTS;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`invalid expected revision ${expected}`);
  return BigInt(expected);
}

/** The client's conflict → the port's typed conflict; the actual revision is a number or `no-stream`. */
export function toWrongExpectedRevision(
  error: WrongExpectedVersionError,
  streamName: string,
  expected: ExpectedRevision,
): WrongExpectedRevisionError {
  const actual = error.actualVersion;
  return new WrongExpectedRevisionError(
    streamName,
    expected,
    typeof actual === 'bigint' && actual >= 0n ? toSafeNumber(actual, 'revision') : 'no-stream',
  );
}

/** A bigint from the client as a port number; refuses values a double cannot hold exactly. */
export function toSafeNumber(value: bigint, what = 'value'): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`EventStoreDB ${what} ${value} is beyond Number.MAX_SAFE_INTEGER`);
  }
  return Number(value);
}

/**
 * Global positions at the port are EventStoreDB commit positions. For every event appended
 * through gRPC (an implicitly committed prepare) the server reports commit = prepare = the event's
 * own log position, so commit positions are unique and strictly increasing in $all order. (Only
 * legacy explicit TCP transactions share one commit position between events.)
 *
 * A read of $all from `{commit: p, prepare: p}` starts *at* the event whose position is p
 * (inclusive), so callers skip events at or before the position they resume after.
 */
export const toEsdbPosition = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

/** Port position → where a forward read of $all starts; START reads from the beginning of the log. */
export const toEsdbReadPosition = (after: number): ReadPosition => (after <= START ? ESDB_START : toEsdbPosition(after));

export const fromEsdbPosition = (position: Position): number => toSafeNumber(position.commit, 'commit position');

/** Metadata as written: our metadata plus the schema version. */
export function toEsdbMetadata(event: Pick<NewEvent, 'metadata' | 'schemaVersion'>): Record<string, unknown> {
  return { ...event.metadata, [SCHEMA_VERSION_KEY]: event.schemaVersion ?? 1 };
}

/** The subset of the client's recorded event the adapter reads. */
export interface EsdbRecorded {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  data: unknown;
  metadata?: unknown;
  /** Present on every $all read; on stream reads only from server 22.6 on. */
  position?: Position;
}

export function fromEsdbEvent(event: EsdbRecorded): RecordedEvent {
  const raw = event.metadata;
  const stored = raw && typeof raw === 'object' && !Array.isArray(raw) && !(raw instanceof Uint8Array) ? raw : {};
  const { [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } = stored as Record<string, unknown>;
  return upcastEvent({
    id: event.id,
    type: event.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: event.data,
    metadata: metadata as EventMetadata,
    streamName: event.streamId,
    revision: toSafeNumber(event.revision, 'revision'),
    // Servers before 22.6 send no position on stream reads; $all reads always carry one.
    position: event.position ? fromEsdbPosition(event.position) : START,
  });
}

/** System events ($-prefixed types: `$metadata`, `$>` links, `$statsCollected`, …) are not ours. */
export const isSystemEvent = (event: Pick<EsdbRecorded, 'type'>): boolean => event.type.startsWith('$');
