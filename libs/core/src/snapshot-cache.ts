import { SnapshotSettings } from '@shecun/event-store';

/** A state a process folded lately, at the stream revision whose event id is `eventId`. */
export interface CachedState {
  version: number;
  revision: number;
  eventId: string;
  state: unknown;
  /** Revision of the stored snapshot the state was folded from, if any. */
  stored?: number;
}

/**
 * The latest states of the long streams this process served, least recently used dropped first:
 * the in-memory side of snapshots, checked like a stored snapshot (its event id must be the
 * stream's at its revision). Cached states are deep-frozen, so a state shared between the cache and
 * a command can never be changed behind the cache's back.
 */
class StateCache {
  private readonly entries = new Map<string, CachedState>();
  constructor(private readonly capacity: number) {}

  get(key: string): CachedState | undefined {
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(key: string, entry: CachedState): void {
    const kept = this.entries.get(key);
    if (kept && kept.version === entry.version && kept.revision > entry.revision) return;
    deepFreeze(entry.state);
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

const caches = new WeakMap<SnapshotSettings, StateCache>();

export function stateCacheOf(settings: SnapshotSettings): StateCache | undefined {
  const capacity = settings.cached ?? 32;
  if (capacity <= 0) return undefined;
  let cache = caches.get(settings);
  if (!cache) caches.set(settings, (cache = new StateCache(capacity)));
  return cache;
}

export const cacheKey = (kind: string, streamName: string) => `${kind}\u0000${streamName}`;

/** Freezes a value and everything it reaches; a frozen object's children are frozen already (only new parts are walked). */
function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
