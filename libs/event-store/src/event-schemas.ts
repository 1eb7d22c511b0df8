import type { RecordedEvent } from './types';

/**
 * Versions of stored events. Every event is written with the current schema version of its type
 * (1 until a type gets an upcaster); an event read with an older version is turned into the
 * current shape by that type's upcasters, one version step at a time, before anyone folds or
 * projects it. Stored events are never rewritten: what was written stays in the log as written
 * (the donation ledger's seals cover that form, kept as `stored` on the upcast event).
 *
 * A context declares a new version where its events are defined:
 *
 *   defineEventVersions('NeedWithdrawn', [(v1) => ({ ...rest(v1), withdrawalReason: v1.reason })]);
 *
 * The i-th function turns version i+1 into version i+2. An event whose version is newer than this
 * build knows is refused (an older reader during a rolling upgrade must not guess).
 */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

const upcasters = new Map<string, readonly Upcaster[]>();

export class UnknownEventVersionError extends Error {
  constructor(type: string, version: number, current: number) {
    super(`event ${type} has schema version ${version}; this build knows versions 1-${current}`);
  }
}

/** Declares the upcasters of one event type (from version 1 up); its current version is their count + 1. */
export function defineEventVersions(type: string, steps: readonly Upcaster[]): void {
  const known = upcasters.get(type);
  if (known && known !== steps) throw new Error(`event versions of ${type} declared twice`);
  upcasters.set(type, steps);
}

/** The version an event of this type is written with now. */
export function currentSchemaVersion(type: string): number {
  return (upcasters.get(type)?.length ?? 0) + 1;
}

/** The stored form of an event that was upcast on reading. */
export interface StoredForm {
  schemaVersion: number;
  data: unknown;
}

/** The event in its type's current shape (the same object when it already is). */
export function upcastEvent<E extends { type: string; schemaVersion: number; data: unknown; stored?: StoredForm }>(event: E): E {
  const current = currentSchemaVersion(event.type);
  const version = event.schemaVersion ?? 1;
  if (version === current) return event;
  if (version > current || version < 1 || !Number.isInteger(version)) throw new UnknownEventVersionError(event.type, version, current);
  const steps = upcasters.get(event.type)!;
  let data = event.data as Record<string, unknown>;
  for (let v = version; v < current; v++) data = steps[v - 1](data);
  return { ...event, schemaVersion: current, data, stored: event.stored ?? { schemaVersion: version, data: event.data } };
}

/** A row of the SQL event stores (SQLite, PostgreSQL): JSON as text, numbers as the driver gives them. */
export interface StoredEventRow {
  position: number | string;
  id: string;
  stream: string;
  revision: number | string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
}

/** A stored row as a recorded event in its type's current shape; `toNumber` checks the driver's bigints. */
export function recordedFromRow(row: StoredEventRow, toNumber: (value: number | string) => number = Number): RecordedEvent {
  return upcastEvent({
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    streamName: row.stream,
    revision: toNumber(row.revision),
    position: toNumber(row.position),
  });
}
