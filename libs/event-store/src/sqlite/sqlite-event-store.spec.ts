import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { eventStoreContract } from '../contract/event-store.contract';
import { DuplicateEventIdError } from '../errors';
import { SqliteEventStore } from './sqlite-event-store';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const freshFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'es-'));
  dirs.push(dir);
  return join(dir, 'events.sqlite');
};

eventStoreContract('SQLite', async () => new SqliteEventStore({ path: freshFile(), pollIntervalMs: 50 }));

describe('SQLite event store specifics', () => {
  const meta = { actorId: 'a', actorRole: 'system', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() };

  it('reads the log filtered by event types: the same events as readAll of those types, in order, a chunk at a time', async () => {
    const store = new SqliteEventStore({ path: freshFile() });
    const types = ['A', 'B', 'C', 'A', 'C', 'B', 'A'];
    for (const [i, type] of types.entries()) await store.append(`s-${i}`, [{ id: randomUUID(), type, data: { i }, metadata: meta }], 'no-stream');
    const all = await store.readAll(-1, 100);
    const wanted = all.filter((e) => e.type === 'A' || e.type === 'C');
    expect(await store.readAllOfTypes(-1, 100, ['C', 'A'])).toEqual(wanted);
    const first = await store.readAllOfTypes(-1, 2, ['A', 'C']);
    expect(first).toEqual(wanted.slice(0, 2));
    expect(await store.readAllOfTypes(first[1].position, 100, ['A', 'C'])).toEqual(wanted.slice(2));
    expect(await store.readAllOfTypes(-1, 100, ['Z'])).toEqual([]);
    await store.close();
  });

  it('keeps committed events across close and reopen of the file', async () => {
    const path = freshFile();
    const first = new SqliteEventStore({ path });
    await first.append('s-1', [{ id: randomUUID(), type: 'A', data: { n: 1 }, metadata: meta }], 'no-stream');
    await first.close();
    const second = new SqliteEventStore({ path });
    expect((await second.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 1 }]);
    await second.close();
  });

  it('rejects an event id already stored in another stream', async () => {
    const store = new SqliteEventStore({ path: freshFile() });
    const id = randomUUID();
    await store.append('s-1', [{ id, type: 'A', data: {}, metadata: meta }], 'no-stream');
    await expect(store.append('s-2', [{ id, type: 'A', data: {}, metadata: meta }], 'no-stream')).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    expect(await store.readStream('s-2')).toEqual([]);
    await store.close();
  });

  it('sees appends made through another connection to the same file (another process)', async () => {
    const path = freshFile();
    const reader = new SqliteEventStore({ path, pollIntervalMs: 20 });
    const writer = new SqliteEventStore({ path });
    const seen: string[] = [];
    let got!: () => void;
    const arrived = new Promise<void>((r) => (got = r));
    const sub = reader.subscribeAll(-1, async (events) => {
      seen.push(...events.map((e) => e.type));
      got();
    });
    await writer.append('s-x', [{ id: randomUUID(), type: 'FromElsewhere', data: {}, metadata: meta }], 'no-stream');
    await arrived;
    await sub.stop();
    expect(seen).toEqual(['FromElsewhere']);
    await writer.close();
    await reader.close();
  });
});
