import { ANY, NO_STREAM, STREAM_EXISTS, WrongExpectedVersionError } from '@eventstore/db-client';
import { WrongExpectedRevisionError } from '../errors';
import { defineEventVersions } from '../event-schemas';
import { START } from '../types';
import {
  fromEsdbEvent,
  toEsdbExpectedRevision,
  toEsdbMetadata,
  toEsdbPosition,
  toEsdbReadPosition,
  toSafeNumber,
  toWrongExpectedRevision,
} from './esdb-mapping';

const meta = { actorId: 'a', actorRole: 'coordinator', correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00Z' };

describe('EventStoreDB adapter mappings (no server)', () => {
  it('maps expected revisions to the client, numbers to bigint', () => {
    expect(toEsdbExpectedRevision('no-stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision('exists')).toBe(STREAM_EXISTS);
    expect(toEsdbExpectedRevision(0)).toBe(0n);
    expect(toEsdbExpectedRevision(41)).toBe(41n);
    expect(() => toEsdbExpectedRevision(-1)).toThrow(RangeError);
    expect(() => toEsdbExpectedRevision(1.5)).toThrow(RangeError);
  });

  it('maps the client conflict to the typed conflict with the actual revision', () => {
    const conflict = new WrongExpectedVersionError(undefined, { streamName: 'need-1', expected: 3n, current: 5n });
    const mapped = toWrongExpectedRevision(conflict, 'need-1', 3);
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({ streamName: 'need-1', expected: 3, actual: 5 });

    const missing = new WrongExpectedVersionError(undefined, { streamName: 'need-2', expected: STREAM_EXISTS, current: NO_STREAM });
    expect(toWrongExpectedRevision(missing, 'need-2', 'exists')).toMatchObject({ expected: 'exists', actual: 'no-stream' });

    const exists = new WrongExpectedVersionError(undefined, { streamName: 'need-3', expected: NO_STREAM, current: 0n });
    expect(toWrongExpectedRevision(exists, 'need-3', 'no-stream')).toMatchObject({ expected: 'no-stream', actual: 0 });

    // Some server paths report a missing stream as revision -1.
    const minusOne = new WrongExpectedVersionError(undefined, { streamName: 'need-4', expected: 0n, current: -1n });
    expect(toWrongExpectedRevision(minusOne, 'need-4', 0)).toMatchObject({ actual: 'no-stream' });
  });

  it('maps positions: commit position at the port, both halves set when reading from it', () => {
    expect(toEsdbPosition(1234)).toEqual({ commit: 1234n, prepare: 1234n });
    expect(toEsdbReadPosition(START)).toBe('start');
    expect(toEsdbReadPosition(0)).toEqual({ commit: 0n, prepare: 0n });
    expect(toSafeNumber(9_007_199_254_740_991n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toSafeNumber(9_007_199_254_740_992n)).toThrow(RangeError);
  });

  it('writes the schema version into the metadata and strips it when reading back', () => {
    const written = toEsdbMetadata({ metadata: meta, schemaVersion: 2 });
    expect(written).toEqual({ ...meta, $schemaVersion: 2 });
    expect(toEsdbMetadata({ metadata: meta })).toEqual({ ...meta, $schemaVersion: 1 });

    // A type at version 2 (an upcaster that changes nothing): read back at the version written.
    defineEventVersions('SpecEsdbVersioned', [(d) => d]);
    const recorded = fromEsdbEvent({
      streamId: 'need-1',
      id: 'e-1',
      type: 'SpecEsdbVersioned',
      revision: 7n,
      data: { title: '村道' },
      metadata: written,
      position: { commit: 900n, prepare: 900n },
    });
    expect(recorded).toEqual({
      id: 'e-1',
      type: 'SpecEsdbVersioned',
      schemaVersion: 2,
      data: { title: '村道' },
      metadata: meta,
      streamName: 'need-1',
      revision: 7,
      position: 900,
    });
  });

  it('reads events without our metadata or without a position (servers before 22.6, stream reads)', () => {
    const bare = fromEsdbEvent({ streamId: 's', id: 'e', type: 'T', revision: 0n, data: {}, metadata: undefined });
    expect(bare).toMatchObject({ schemaVersion: 1, metadata: {}, position: START });
    expect(fromEsdbEvent({ streamId: 's', id: 'e', type: 'T', revision: 0n, data: {}, metadata: new Uint8Array([1]) }).metadata).toEqual({});
  });
});
