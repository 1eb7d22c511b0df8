import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentSchemaVersion, defineEventVersions, SqliteEventStore, UnknownEventVersionError } from '@shecun/event-store';
import { executeCommand, foldRecorded } from './command-executor';
import { Decider } from './decider';

/**
 * A new version of one event type renames a field (`text` → `body`) and adds one (`words`). The
 * upcaster turns a version-1 event into version 2 on reading, so a stream written before the
 * change and one written after fold to the same state; the log itself keeps what was written.
 */
const TYPE = 'SpecNoteWritten';
defineEventVersions(TYPE, [(v1) => ({ body: v1.text, words: String(v1.text).split(/\s+/).length })]);

type Note = { body: string; words: number };
type Event = { type: typeof TYPE; data: Note };
const noteDecider: Decider<{ type: 'Write'; body: string }, Note | null, Event> = {
  commutes: () => true,
  initialState: null,
  decide: (command) => [{ type: TYPE, data: { body: command.body, words: command.body.split(/\s+/).length } }],
  evolve: (_state, event) => ({ body: event.data.body, words: event.data.words }),
};
const metadata = { actorId: 'cadre-1', actorRole: 'coordinator', correlationId: 'c', causationId: 'c', occurredAt: '2026-01-01T00:00:00.000Z' };

describe('event versions and upcasters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'versions-'));
  const store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a version-1 event and a version-2 one of the same note, when read, then both fold to the same state', async () => {
    await store.append('note-old', [{ id: 'e-old', type: TYPE, schemaVersion: 1, data: { text: 'hello village school' }, metadata }], 'no-stream');
    await store.append('note-new', [{ id: 'e-new', type: TYPE, schemaVersion: 2, data: { body: 'hello village school', words: 3 }, metadata }], 'no-stream');
    const [old] = await store.readStream('note-old');
    const [fresh] = await store.readStream('note-new');
    expect(old).toMatchObject({ schemaVersion: 2, data: { body: 'hello village school', words: 3 } });
    expect(foldRecorded(noteDecider, [old])).toEqual(foldRecorded(noteDecider, [fresh]));
    expect(foldRecorded(noteDecider, [old])).toEqual({ body: 'hello village school', words: 3 });
    // What was written stays as written (seals and audits read this form).
    expect(old.stored).toEqual({ schemaVersion: 1, data: { text: 'hello village school' } });
    expect(fresh.stored).toBeUndefined();
    // The global log reads the same way.
    expect((await store.readAll(-1, 10)).map((e) => e.data)).toEqual([old.data, fresh.data]);
  });

  it('given the declared versions, when a command appends, then it writes the current version', async () => {
    expect(currentSchemaVersion(TYPE)).toBe(2);
    expect(currentSchemaVersion('NeedDrafted')).toBe(1);
    await executeCommand(store, 'note-cmd', noteDecider, { command: { type: 'Write', body: 'a b' }, actor: { id: 'cadre-1', role: 'coordinator' }, commandId: 'cmd-1', correlationId: 'c' });
    const [written] = await store.readStream('note-cmd');
    expect(written.schemaVersion).toBe(2);
    expect(written.stored).toBeUndefined();
  });

  it('given an event of a version newer than this build knows, when read, then it is refused, not guessed', async () => {
    await store.append('note-future', [{ id: 'e-future', type: TYPE, schemaVersion: 3, data: { markdown: '# hi' }, metadata }], 'no-stream');
    await expect(store.readStream('note-future')).rejects.toBeInstanceOf(UnknownEventVersionError);
  });
});
