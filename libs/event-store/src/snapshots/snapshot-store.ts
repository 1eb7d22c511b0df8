/**
 * The snapshot port: the folded state of one stream, as one decider folds it, at one revision.
 * Snapshots are derived data — deleting every one of them changes nothing but speed — so an adapter
 * keeps only the latest snapshot per (stream, decider) and a reader treats whatever it finds as a
 * hint to verify (see libs/core/src/snapshots.ts). Every adapter passes
 * `contract/snapshot-store.contract.ts`.
 */
export interface StoredSnapshot {
  streamName: string;
  /** Which fold of the stream this is (a decider's snapshot name): one stream may be folded by several deciders. */
  kind: string;
  /** The decider's state schema version when it was written; any other version is ignored. */
  version: number;
  /** Revision of the stream's last event folded into the state. */
  revision: number;
  /** Id of that event, so a reader can check the snapshot belongs to the stream it reads. */
  eventId: string;
  /** The serialized state (JSON text). */
  state: string;
  /** sha256 (hex) of `state`, checked on reading. */
  checksum: string;
}

export interface SnapshotStore {
  /** The snapshot kept for this stream and kind, if any. */
  load(streamName: string, kind: string): Promise<StoredSnapshot | undefined>;
  /**
   * Keeps `snapshot` as the one for its stream and kind when there is none, when the one kept has
   * another version, or when it is at an older revision; otherwise leaves the kept one (a slower
   * writer never replaces a newer snapshot). With `replace`, keeps it whatever is kept (the reader
   * found the kept one unusable: corrupt, or not of this stream).
   */
  save(snapshot: StoredSnapshot, options?: { replace?: boolean }): Promise<void>;
  /** Forgets the snapshots of one stream (every kind). */
  remove(streamName: string): Promise<void>;
  close(): Promise<void>;
}

export interface SnapshotSettings {
  store: SnapshotStore;
  /** Default distance in events between two snapshots of one stream (a decider's policy may override). */
  every: number;
  /**
   * How many long streams' latest states this process keeps in memory (deep-frozen), so a command
   * on a stream it just served parses nothing. Default 32; 0 keeps none.
   */
  cached?: number;
}

const attached = new WeakMap<object, SnapshotSettings>();

/** Commands run on `events` keep snapshots as `settings` say (undefined: none, the default). */
export function useSnapshots(events: object, settings: SnapshotSettings | undefined): void {
  if (settings) attached.set(events, settings);
  else attached.delete(events);
}

/** The snapshot settings attached to an event store, if any. */
export const snapshotSettingsOf = (events: object): SnapshotSettings | undefined => attached.get(events);

/** SNAPSHOT_CACHE (default 32): long streams whose latest state a process keeps in memory. */
export function snapshotCacheFromEnv(value = process.env.SNAPSHOT_CACHE): number {
  if (value === undefined || value === '') return 32;
  const cached = Number(value);
  if (!Number.isSafeInteger(cached) || cached < 0) throw new Error(`SNAPSHOT_CACHE must be a whole number, not ${value}`);
  return cached;
}

/** SNAPSHOT_EVERY (default 100): events between two snapshots of a stream. */
export function snapshotEveryFromEnv(value = process.env.SNAPSHOT_EVERY): number {
  if (value === undefined || value === '') return 100;
  const every = Number(value);
  if (!Number.isSafeInteger(every) || every < 1) throw new Error(`SNAPSHOT_EVERY must be a positive integer, not ${value}`);
  return every;
}
