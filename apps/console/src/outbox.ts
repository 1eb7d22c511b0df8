import { useSyncExternalStore } from 'react';
import type { ApiCommand } from './api/commands';
import { ApiError, newIdempotencyKey, sendCommand } from './http';

// ---------------------------------------------------------------------------------------------
// The outbox: commands made without a network, kept in localStorage with their Idempotency-Key and
// sent in order, with that same key, when the browser is back online (the `online` event) and when
// the console starts. The API does a key's command once, so a command that reached it before the
// connection dropped is not done twice. A refusal (4xx: a conflict, a rule broken meanwhile) is kept
// as failed with the API's message for the person to read; nothing is dropped silently.
// ---------------------------------------------------------------------------------------------

export type OutboxState = 'pending' | 'synced' | 'failed';

export interface OutboxItem {
  key: string;
  /** Who made the command: only their own items are sent with their session. */
  actorId: string;
  command: { path: string; body: unknown };
  /** What the person sees: the need's title, say. */
  label: string;
  createdAt: string;
  state: OutboxState;
  /** Failed: the API's message. */
  reason?: string;
  /** Synced: the need the command made, where it answered one. */
  needId?: string;
}

const STORAGE = 'shecun.outbox';
const listeners = new Set<() => void>();
let cache: { raw: string | null; items: OutboxItem[] } = { raw: null, items: [] };

function read(): OutboxItem[] {
  const raw = localStorage.getItem(STORAGE);
  if (raw !== cache.raw) {
    let items: OutboxItem[] = [];
    try {
      const parsed = JSON.parse(raw ?? '[]');
      if (Array.isArray(parsed)) items = parsed as OutboxItem[];
    } catch {
      /* unreadable: start afresh */
    }
    cache = { raw, items };
  }
  return cache.items;
}

function write(items: OutboxItem[]) {
  localStorage.setItem(STORAGE, JSON.stringify(items));
  listeners.forEach((listener) => listener());
}

const update = (key: string, change: Partial<OutboxItem>) => write(read().map((item) => (item.key === key ? { ...item, ...change } : item)));

/** Whether a failed command is one to keep for later: no answer came (offline, connection dropped). */
export const isOffline = (error: unknown) => error instanceof ApiError && error.network;

/** Keeps `command` to be sent when the browser is online; `key` is its Idempotency-Key, if one was already used. */
export function enqueue(actorId: string, command: ApiCommand, label: string, key: string = newIdempotencyKey()): OutboxItem {
  const item: OutboxItem = { key, actorId, command: { path: command.path, body: command.body ?? {} }, label, createdAt: new Date().toISOString(), state: 'pending' };
  write([...read().filter((kept) => kept.key !== key), item]);
  return item;
}

/** Takes an item off the list (a synced one, or a failed one the person has read). */
export const dismiss = (key: string) => write(read().filter((item) => item.key !== key));

let flushing: Promise<void> | null = null;

/**
 * Sends `actorId`'s pending commands in order, each with its own key: synced when the API takes it,
 * failed (with its message) when it refuses it; stops at the first one that gets no answer, or a
 * server error (5xx), which stays pending for the next try.
 */
export function flush(actorId: string): Promise<void> {
  flushing ??= (async () => {
    for (const item of read().filter((kept) => kept.actorId === actorId && kept.state === 'pending')) {
      try {
        const result = await sendCommand<{ needId?: string }>(item.command as ApiCommand, { idempotencyKey: item.key });
        update(item.key, { state: 'synced', needId: result?.needId, reason: undefined });
      } catch (error) {
        if (error instanceof ApiError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 401) {
          update(item.key, { state: 'failed', reason: error.detail });
          continue;
        }
        return;
      }
    }
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  // Another tab changed the outbox.
  const onStorage = (event: StorageEvent) => event.key === STORAGE && listener();
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
};

/** The outbox items of `actorId`, oldest first, kept current. */
export function useOutbox(actorId: string): OutboxItem[] {
  const items = useSyncExternalStore(subscribe, read);
  return items.filter((item) => item.actorId === actorId);
}
