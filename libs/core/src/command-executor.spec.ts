import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@shecun/event-store';
import { Actor } from './actor';
import { CommandEnvelope, executeCommand, StaleRevisionError } from './command-executor';
import { Decider } from './decider';

/** A note people edit: its text is replaced by each command. */
type Command = { type: 'Write'; text: string };
type Event = { type: 'Written'; data: { text: string } };
const noteDecider: Decider<Command, { text: string }, Event> = {
  initialState: { text: '' },
  decide: (command) => [{ type: 'Written', data: { text: command.text } }],
  evolve: (_state, event) => ({ text: event.data.text }),
};

const actor: Actor = { id: 'cadre-1', role: 'coordinator', scope: '441826105201' };
let n = 0;
const envelope = (text: string, expectedRevision?: number): CommandEnvelope<Command> => ({
  command: { type: 'Write', text },
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

  it('given no expected revision, then concurrent commands are all re-decided and appended', async () => {
    await Promise.all(Array.from({ length: 4 }, (_, i) => executeCommand(store, 'note-d', noteDecider, envelope(`free ${i}`))));
    expect(await store.readStream('note-d')).toHaveLength(4);
  });
});
