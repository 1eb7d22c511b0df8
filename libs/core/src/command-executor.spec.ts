import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@shecun/event-store';
import { Actor } from './actor';
import { CommandEnvelope, ConcurrentChangeError, executeCommand, StaleRevisionError } from './command-executor';
import { Decider } from './decider';

/** A note people edit: `Write` replaces its text (an edit of what the writer read); `Sign` adds a name under it (commutes). */
type Command = { type: 'Write'; text: string } | { type: 'Sign'; name: string };
type Event = { type: 'Written'; data: { text: string } } | { type: 'Signed'; data: { name: string } };
type Note = { text: string; signatures: string[] };
const noteDecider: Decider<Command, Note, Event> = {
  initialState: { text: '', signatures: [] },
  decide: (command) => [command.type === 'Write' ? { type: 'Written', data: { text: command.text } } : { type: 'Signed', data: { name: command.name } }],
  evolve: (state, event) => (event.type === 'Written' ? { ...state, text: event.data.text } : { ...state, signatures: [...state.signatures, event.data.name] }),
  commutes: (command) => command.type === 'Sign',
};

const actor: Actor = { id: 'cadre-1', role: 'coordinator', scope: '441826105201' };
let n = 0;
const envelope = (text: string, expectedRevision?: number, command: Command = { type: 'Write', text }): CommandEnvelope<Command> => ({
  command,
  actor,
  commandId: `cmd-${++n}`,
  correlationId: 'corr',
  ...(expectedRevision === undefined ? {} : { expectedRevision }),
});

describe('executeCommand with an expected revision (If-Match)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'executor-'));
  const store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a stream at revision 1, when a command names revision 1, then it is decided and appended', async () => {
    await executeCommand(store, 'note-a', noteDecider, envelope('one'));
    await executeCommand(store, 'note-a', noteDecider, envelope('two'));
    const result = await executeCommand(store, 'note-a', noteDecider, envelope('three', 1));
    expect(result.revision).toBe(2);
    expect(result.state.text).toBe('three');
  });

  it('given a stream at revision 2, when a command names revision 1, then it is refused as stale with the current state, appending nothing', async () => {
    const before = await store.readStream('note-a');
    const refused = await executeCommand(store, 'note-a', noteDecider, envelope('late', 1)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StaleRevisionError);
    expect(refused).toMatchObject({ kind: 'stale', currentRevision: 2, expectedRevision: 1, state: { text: 'three' } });
    expect(await store.readStream('note-a')).toHaveLength(before.length);
  });

  it('given no stream, when a command names revision -1, then it starts the stream; naming 0 is stale', async () => {
    await expect(executeCommand(store, 'note-b', noteDecider, envelope('x', 0))).rejects.toBeInstanceOf(StaleRevisionError);
    expect((await executeCommand(store, 'note-b', noteDecider, envelope('first', -1))).revision).toBe(0);
  });

  it('given concurrent commands on one revision, then exactly one is appended and the others are stale (never re-decided)', async () => {
    await executeCommand(store, 'note-c', noteDecider, envelope('base'));
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => executeCommand(store, 'note-c', noteDecider, envelope(`edit ${i}`, 0))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => (o as PromiseRejectedResult).reason instanceof StaleRevisionError)).toBe(true);
    expect(await store.readStream('note-c')).toHaveLength(2);
  });

  it('given no expected revision, then concurrent commands that commute are all re-decided and appended', async () => {
    await Promise.all(Array.from({ length: 4 }, (_, i) => executeCommand(store, 'note-d', noteDecider, envelope('', undefined, { type: 'Sign', name: `村民 ${i}` }))));
    expect(await store.readStream('note-d')).toHaveLength(4);
  });

  it('given no expected revision, then of concurrent edits that do not commute the ones that lose the race are refused (409), not re-decided', async () => {
    await executeCommand(store, 'note-e', noteDecider, envelope('base'));
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => executeCommand(store, 'note-e', noteDecider, envelope(`edit ${i}`))));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as unknown);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) expect(error).toMatchObject({ constructor: ConcurrentChangeError, kind: 'conflict', details: { stream: 'note-e' } });
    // Every edit that was appended was decided once, on the revision it read: no edit was written over another one it never saw.
    const stream = await store.readStream('note-e');
    expect(stream).toHaveLength(1 + outcomes.filter((o) => o.status === 'fulfilled').length);
  });
});
