import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@shecun/event-store';

export interface AppendBenchResult {
  events: number;
  rawPerSecond: number;
  storePerSecond: number;
  ratio: number;
}

const meta = () => ({ actorId: 'bench', actorRole: 'system', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() });
const payload = { needId: 'n', title: '三排镇中心小学课桌椅更新', lineItems: [{ id: 'L1', kind: 'goods', quantity: 120 }] };

/**
 * Single-event appends through the SQLite event store (expected-revision check, idempotency
 * lookup, JSON encoding) against the raw baseline: one durable better-sqlite3 transaction per
 * insert of the same row shape, WAL + synchronous=FULL, on the same disk in the same run.
 */
export async function appendBench(events = 5000): Promise<AppendBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-append-'));
  try {
    const raw = new Database(join(dir, 'raw.sqlite'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.exec('CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream, revision))');
    const insert = raw.prepare('INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
    const tx = raw.transaction((i: number) => insert.run(randomUUID(), `s-${i % 100}`, Math.floor(i / 100), 'Bench', JSON.stringify(payload), JSON.stringify(meta())));
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < events; i++) tx.immediate(i);
    const rawSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    raw.close();

    const store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    const revisions = new Map<string, number>();
    t0 = process.hrtime.bigint();
    for (let i = 0; i < events; i++) {
      const stream = `s-${i % 100}`;
      const expected = revisions.get(stream) ?? 'no-stream';
      const { nextRevision } = await store.append(stream, [{ id: randomUUID(), type: 'Bench', data: payload, metadata: meta() }], expected);
      revisions.set(stream, nextRevision);
    }
    const storeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await store.close();
    const rawPerSecond = events / rawSeconds;
    const storePerSecond = events / storeSeconds;
    return { events, rawPerSecond, storePerSecond, ratio: storePerSecond / rawPerSecond };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
