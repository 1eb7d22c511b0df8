import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EventStore, RecordedEvent, snapshotSettingsOf, SnapshotStore } from '@shecun/event-store';
import { Decider, DomainEvent, SnapshotPolicy } from './decider';
import { cacheKey, stateCacheOf } from './snapshot-cache';
import { commandSnapshotsIgnored, commandSnapshotsWritten, commandSnapshotWriteFailures } from './metrics';

/**
 * Snapshots of long streams, invisible to behaviour: a command starts from the latest snapshot of
 * its stream's folded state and folds only the events after it, and a snapshot is written after a
 * command once `every` events have gone by since the last one. A snapshot is only a hint: one of
 * another version than the decider's, one whose checksum or JSON does not hold, or one whose event
 * id is not the stream's event at its revision is ignored and the whole stream folded (and a fresh
 * snapshot written). Deleting every snapshot changes nothing but speed. Where snapshots are kept
 * is attached to the event store (`useSnapshots`, done by EventStoreModule).
 */
const logger = new Logger('Snapshots');
const settingsOf = { get: snapshotSettingsOf };

type Folding<State> = Pick<Decider<unknown, State, DomainEvent>, 'initialState' | 'evolve' | 'snapshot'>;

/** A stream as a command sees it: its folded state at `revision`. */
export interface LoadedStream<State> {
  state: State;
  /** Revision of the stream's last event; -1 for a stream that does not exist. */
  revision: number;
  /** Id of the event at `revision`. */
  lastEventId?: string;
  /** Revision of the snapshot the state started from; -1 when the whole stream was folded. */
  base: number;
  /** The events read and folded (those after the snapshot, or the whole stream). */
  read: RecordedEvent[];
  /** A snapshot was found but not usable: the next one written replaces it whatever its revision. */
  rejected?: boolean;
  /** Revision of the stored snapshot behind the state (through the cache too); absent when none was used. */
  stored?: number;
}

const evolveAll = <State>(decider: Folding<State>, state: State, events: readonly RecordedEvent[]): State =>
  events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data }), state);

/** Reads and folds a stream, from its latest usable snapshot when the decider and the store keep them. */
export async function loadStream<State>(events: EventStore, streamName: string, decider: Folding<State>): Promise<LoadedStream<State>> {
  const settings = settingsOf.get(events);
  const policy = decider.snapshot;
  const cache = policy && settings ? stateCacheOf(settings) : undefined;
  const cached = cache?.get(cacheKey(policy!.name, streamName));
  if (cached && cached.version === policy!.version) {
    const from = await events.readStream(streamName, { fromRevision: cached.revision });
    if (from.length > 0 && from[0].revision === cached.revision && from[0].id === cached.eventId) {
      const read = from.slice(1);
      const last = from[from.length - 1];
      return { state: evolveAll(decider, cached.state as State, read), revision: last.revision, lastEventId: last.id, base: cached.revision, read, stored: cached.stored };
    }
    cache!.delete(cacheKey(policy!.name, streamName));
  }
  const found = policy && settings ? await usableSnapshot(settings.store, streamName, policy) : undefined;
  const usable = found === 'unusable' ? undefined : found;
  let rejected = found === 'unusable';
  if (usable) {
    const from = await events.readStream(streamName, { fromRevision: usable.revision });
    if (from.length > 0 && from[0].revision === usable.revision && from[0].id === usable.eventId) {
      const read = from.slice(1);
      const last = from[from.length - 1];
      return { state: evolveAll(decider, usable.state, read), revision: last.revision, lastEventId: last.id, base: usable.revision, read, stored: usable.revision };
    }
    commandSnapshotsIgnored.inc({ reason: 'stream' });
    rejected = true;
  }
  const read = await events.readStream(streamName);
  const last = read[read.length - 1];
  return { state: evolveAll(decider, decider.initialState, read), revision: last ? last.revision : -1, lastEventId: last?.id, base: -1, read, rejected };
}

async function usableSnapshot<State>(store: SnapshotStore, streamName: string, policy: SnapshotPolicy<State>): Promise<{ state: State; revision: number; eventId: string } | 'unusable' | undefined> {
  let stored;
  try {
    stored = await store.load(streamName, policy.name);
  } catch (error) {
    logger.warn(`snapshot of ${streamName} not read, folding the whole stream: ${(error as Error).message}`);
    commandSnapshotsIgnored.inc({ reason: 'unreadable' });
    return undefined;
  }
  if (!stored) return undefined;
  if (stored.version !== policy.version) {
    commandSnapshotsIgnored.inc({ reason: 'version' });
    return 'unusable';
  }
  try {
    if (checksumOf(stored.state) !== stored.checksum) throw new Error('checksum does not match');
    const value: unknown = JSON.parse(stored.state);
    return { state: policy.deserialize ? policy.deserialize(value) : (value as State), revision: stored.revision, eventId: stored.eventId };
  } catch (error) {
    logger.warn(`snapshot of ${streamName} at revision ${stored.revision} is corrupt, ignored: ${(error as Error).message}`);
    commandSnapshotsIgnored.inc({ reason: 'corrupt' });
    return 'unusable';
  }
}

/** A stream's state after a command, and the stored snapshot it started from. */
export interface SnapshotPoint<State> {
  state: State;
  revision: number;
  eventId?: string;
  stored?: number;
  rejected?: boolean;
}

/**
 * After a command: keeps the state in the process's cache (long streams only) and writes a snapshot of `state` (the stream at `revision`, whose event there is
 * `eventId`) when the stream has moved `every` events past the stored snapshot it started from. Never
 * throws: a snapshot that cannot be written is logged and the command's outcome stands.
 */
export async function snapshotIfDue<State>(events: EventStore, streamName: string, decider: Folding<State>, at: SnapshotPoint<State>): Promise<void> {
  const settings = settingsOf.get(events);
  const policy = decider.snapshot;
  if (!settings || !policy || at.eventId === undefined) return;
  const every = policy.every ?? settings.every;
  let stored = at.stored;
  if (at.revision - (stored ?? -1) >= every) {
    try {
      const state = JSON.stringify(policy.serialize ? policy.serialize(at.state) : at.state);
      await settings.store.save({ streamName, kind: policy.name, version: policy.version, revision: at.revision, eventId: at.eventId, state, checksum: checksumOf(state) }, { replace: at.rejected === true });
      commandSnapshotsWritten.inc();
      stored = at.revision;
    } catch (error) {
      commandSnapshotWriteFailures.inc();
      logger.warn(`snapshot of ${streamName} at revision ${at.revision} not written (the command stands): ${(error as Error).message}`);
    }
  }
  if (at.revision + 1 >= every) stateCacheOf(settings)?.set(cacheKey(policy.name, streamName), { version: policy.version, revision: at.revision, eventId: at.eventId, state: at.state, stored });
}

const checksumOf = (text: string) => createHash('sha256').update(text).digest('hex');
