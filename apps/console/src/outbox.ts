import { useSyncExternalStore } from 'react';
import type { ApiCommand } from './api/commands';
import { ApiError, newIdempotencyKey, sendCommand, uploadEvidence } from './http';

// ---------------------------------------------------------------------------------------------
// The outbox: commands made without a network, kept in localStorage with their Idempotency-Key and
// sent in order, with that same key, when the browser is back online (the `online` event) and when
// the console starts. The API does a key's command once, so a command that reached it before the
// connection dropped is not done twice. A refusal (4xx: a conflict, a rule broken meanwhile) is kept
// as failed with the API's message for the person to read; nothing is dropped silently. A photo
// taken for a command without a network waits in IndexedDB and is uploaded first (see OutboxFile).
// ---------------------------------------------------------------------------------------------

export type OutboxState = 'pending' | 'synced' | 'failed';

/**
 * A file the command brings (a photo taken without a network, already shrunk): kept in IndexedDB
 * under `id` (src/offlineFiles.ts), uploaded first when the command is sent, and added to the
 * command's `evidence` by its `sha256` once uploaded (remembered, so a later try does not upload it again).
 */
export interface OutboxFile {
  id: string;
  name: string;
  kind: 'photo' | 'document';
  visibility: 'public' | 'internal';
  size: number;
  sha256?: string;
}

/** A file picked for a command, to keep with it. */
export interface LocalFile {
  file: File;
  visibility?: 'public' | 'internal';
}

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
  /** Synced: the need the command made, or the one it was about. */
  needId?: string;
  /** Files kept on this device for the command (its evidence). */
  files?: OutboxFile[];
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

/**
 * Keeps `command` to be sent when the browser is online; `key` is its Idempotency-Key, if one was
 * already used. `files` are kept on this device with it (IndexedDB), to be uploaded first.
 */
export async function enqueue(actorId: string, command: ApiCommand, label: string, key: string = newIdempotencyKey(), files: LocalFile[] = []): Promise<OutboxItem> {
  const kept: OutboxFile[] = [];
  if (files.length > 0) {
    const { keepFile } = await import('./offlineFiles');
    for (const [n, { file, visibility }] of files.entries()) {
      const id = `${key}-${n}`;
      await keepFile(id, file);
      kept.push({ id, name: file.name, kind: file.type === 'application/pdf' ? 'document' : 'photo', visibility: visibility ?? 'internal', size: file.size });
    }
  }
  const item: OutboxItem = {
    key,
    actorId,
    command: { path: command.path, body: command.body ?? {} },
    label,
    createdAt: new Date().toISOString(),
    state: 'pending',
    ...(kept.length ? { files: kept } : {}),
  };
  write([...read().filter((other) => other.key !== key), item]);
  return item;
}

/** Forgets the files an item kept on this device (sent, or not wanted any more). */
async function forgetFilesOf(item: OutboxItem | undefined) {
  if (!item?.files?.length) return;
  const { forgetFiles } = await import('./offlineFiles');
  await forgetFiles(item.files.map((file) => file.id)).catch(() => undefined);
}

/** Takes an item off the list (a synced one, or a failed one the person has read), and its kept files. */
export const dismiss = (key: string) => {
  const item = read().find((kept) => kept.key === key);
  write(read().filter((kept) => kept.key !== key));
  void forgetFilesOf(item);
};

/** The item's kept files uploaded (each once: its sha256 is remembered in the item); the command's body with them as evidence. */
async function withUploadedFiles(item: OutboxItem): Promise<unknown> {
  if (!item.files?.length) return item.command.body;
  const { keptFile } = await import('./offlineFiles');
  const files = [...item.files];
  for (const [n, file] of files.entries()) {
    if (file.sha256) continue;
    const blob = await keptFile(file.id);
    if (!blob) throw new ApiError(`照片 ${file.name} 已不在本机，请重新拍照提交 (the photo ${file.name} is no longer on this device: take it again)`, 410);
    const uploaded = await uploadEvidence(blob);
    files[n] = { ...file, sha256: uploaded.sha256 };
    update(item.key, { files: [...files] });
  }
  const body = (item.command.body ?? {}) as { evidence?: unknown[] };
  return { ...body, evidence: [...(body.evidence ?? []), ...files.map((file) => ({ kind: file.kind, sha256: file.sha256, visibility: file.visibility }))] };
}

let flushing: Promise<void> | null = null;

/**
 * Sends `actorId`'s pending commands in order, each with its own key: synced when the API takes it,
 * failed (with its message) when it refuses it; stops at the first one that gets no answer, or a
 * server error (5xx), which stays pending for the next try.
 */
export function flush(actorId: string): Promise<void> {
  flushing ??= (async () => {
    // Read afresh after each command: one kept while these were sent is sent in this round too.
    const tried = new Set<string>();
    for (;;) {
      const item = read().find((kept) => kept.actorId === actorId && kept.state === 'pending' && !tried.has(kept.key));
      if (!item) return;
      tried.add(item.key);
      try {
        const body = await withUploadedFiles(item);
        const result = await sendCommand<{ needId?: string }>({ path: item.command.path, body } as ApiCommand, { idempotencyKey: item.key });
        // The need to open: the one the command made, or the one its path names (an offer, a confirmation).
        update(item.key, { state: 'synced', needId: result?.needId ?? /^\/api\/needs\/([^/]+)\//.exec(item.command.path)?.[1], reason: undefined });
        void forgetFilesOf(item);
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
