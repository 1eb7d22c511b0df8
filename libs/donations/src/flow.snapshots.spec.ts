/**
 * Snapshots are invisible to behaviour: the same commands on two copies of one long, realistic
 * donation flow — one store keeping snapshots, one folding the whole stream every time — append
 * the same events (ids, data, seals, revisions) and refuse with the same errors. A snapshot of an
 * old state version, a corrupt one, one that does not belong to the stream, and one that cannot be
 * written change nothing either.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Actor, CommandEnvelope, executeCommand, foldRecorded, loadStream } from '@shecun/core';
import { EventStore, ReadStreamOptions, SnapshotStore, SqliteEventStore, SqliteSnapshotStore, StoredSnapshot, useSnapshots } from '@shecun/event-store';
import { flowStream } from './donation.model';
import { availableOf, FlowCommand, flowDecider, FlowState } from './flow.decider';
import { prng } from '@shecun/core';
import { appendSteps, coordinatorOf, FlowStep, FOUNDATION_STAFF, longFlow, VILLAGES } from './long-flow';

const FLOW = 'long-1';
const STREAM = flowStream(FLOW);
const EVENTS = 3000;
const dir = mkdtempSync(join(tmpdir(), 'flow-snapshots-'));
let seeded: { steps: FlowStep[]; state: FlowState };
let withSnapshots: SqliteEventStore;
let plain: SqliteEventStore;
let snapshots: SqliteSnapshotStore;
const reads: number[] = [];
let state: FlowState;
let clock = Date.UTC(2026, 10, 1);
let n = 0;

beforeAll(async () => {
  seeded = longFlow(FLOW, EVENTS);
  const seedStore = new SqliteEventStore({ path: join(dir, 'a.sqlite') });
  await appendSteps(seedStore, FLOW, seeded.steps);
  await seedStore.close();
  copyFileSync(join(dir, 'a.sqlite'), join(dir, 'b.sqlite'));
  withSnapshots = new SqliteEventStore({ path: join(dir, 'a.sqlite') });
  plain = new SqliteEventStore({ path: join(dir, 'b.sqlite') });
  snapshots = new SqliteSnapshotStore(join(dir, 'snapshots.sqlite'));
  useSnapshots(withSnapshots, { store: snapshots, every: 50, cached: 8 });
  const readStream = withSnapshots.readStream.bind(withSnapshots);
  withSnapshots.readStream = (name: string, options?: ReadStreamOptions) => {
    reads.push(options?.fromRevision ?? 0);
    return readStream(name, options);
  };
  state = seeded.state;
}, 60_000);

afterAll(async () => {
  await withSnapshots.close();
  await plain.close();
  await snapshots.close();
  rmSync(dir, { recursive: true, force: true });
});

type Outcome = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string; details?: unknown } };
const outcome = async (store: EventStore, envelope: CommandEnvelope<FlowCommand>, now: Date): Promise<Outcome> => {
  try {
    const { state: s, ...rest } = await executeCommand(store, STREAM, flowDecider, envelope, { clock: () => now });
    return { ok: true, value: { ...rest, state: JSON.parse(JSON.stringify(s)) } };
  } catch (error) {
    const e = error as Error & { details?: unknown };
    return { ok: false, error: { name: e.constructor.name, message: e.message, details: e.details } };
  }
};

/** Runs one command on both stores and expects the same outcome; returns it. */
async function same(command: FlowCommand, actor: Actor, extra: Partial<CommandEnvelope<FlowCommand>> = {}): Promise<Outcome> {
  const envelope: CommandEnvelope<FlowCommand> = { command, actor, commandId: `t-${++n}`, correlationId: `c-${n}`, ...extra };
  const now = new Date((clock += 60_000));
  const expected = await outcome(plain, envelope, now);
  const actual = await outcome(withSnapshots, envelope, now);
  expect(actual).toEqual(expected);
  if (expected.ok) state = (expected.value as { state: FlowState }).state;
  return expected;
}

/** A command drawn from the current state: mostly valid, some refused, some retries of old commands. */
function draw(rnd: () => number): [FlowCommand, Actor, Partial<CommandEnvelope<FlowCommand>>] {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const r = rnd();
  const allocation = pick(state.allocations);
  const use = pick(state.uses);
  if (r < 0.15) return [{ type: 'AllocateDonation', allocationId: `x-${n}`, target: { kind: 'village', villageCode: pick(VILLAGES), project: '新增' }, amount: 200_000, note: '', childFlowId: null }, FOUNDATION_STAFF, {}];
  if (r < 0.2) return [{ type: 'AllocateDonation', allocationId: `x-${n}`, target: { kind: 'village', villageCode: pick(VILLAGES), project: '超额' }, amount: availableOf(state) + 1, note: '', childFlowId: null }, FOUNDATION_STAFF, {}];
  if (r < 0.25) return [{ type: 'AllocateDonation', allocationId: allocation.id, target: { kind: 'village', villageCode: pick(VILLAGES), project: '重复' }, amount: 1, note: '', childFlowId: null }, FOUNDATION_STAFF, {}];
  if (r < 0.4) return [{ type: 'RecordUse', useId: `xu-${n}`, allocationId: allocation.id, need: null, amount: 1 + Math.floor(rnd() * 300_000), evidence: [{ kind: 'invoice', ref: `T${n}` }], usedOn: '2026-11-02', note: '' }, FOUNDATION_STAFF, {}];
  if (r < 0.45) return [{ type: 'RecordUse', useId: `xu-${n}`, allocationId: 'no-such-allocation', need: null, amount: 1, evidence: [], usedOn: '2026-11-02', note: '' }, FOUNDATION_STAFF, {}];
  if (r < 0.6) return [{ type: 'ConfirmUse', useId: use.id, note: '' }, coordinatorOf(use.villageCode), {}];
  if (r < 0.65) return [{ type: 'ConfirmUse', useId: use.id, note: '' }, coordinatorOf(use.villageCode === VILLAGES[0] ? VILLAGES[1] : VILLAGES[0]), {}];
  if (r < 0.72) return [{ type: 'AddUseEvidence', useId: use.id, evidence: [{ kind: 'photo', ref: `p-${n}.jpg` }] }, FOUNDATION_STAFF, {}];
  if (r < 0.77) return [{ type: 'ReturnAllocation', allocationId: allocation.id, amount: 1 + Math.floor(rnd() * 20_000), reason: '结余' }, FOUNDATION_STAFF, {}];
  if (r < 0.82) return [{ type: 'DiscloseDonation' }, FOUNDATION_STAFF, {}];
  if (r < 0.86) return [{ type: 'ConfirmUse', useId: use.id, note: '' }, coordinatorOf(use.villageCode), { expectedRevision: 10 }];
  // A retried command, long before any snapshot: it returns its first outcome, never decided again.
  const old = pick(seeded.steps.slice(2, 200));
  return [old.command, old.actor, { commandId: old.commandId }];
}

describe(`snapshots on a donation flow of ${EVENTS} events`, () => {
  it('the seeded stream is what deciding every command in memory gave', async () => {
    const read = await plain.readStream(STREAM);
    expect(read.length).toBeGreaterThanOrEqual(EVENTS);
    expect(foldRecorded(flowDecider, read)).toEqual(seeded.state);
  });

  it('decides the same with and without snapshots: same events appended, same errors, same retried outcomes', async () => {
    const rnd = prng(2026);
    const kinds = { ok: 0, refused: 0, retried: 0 };
    for (let i = 0; i < 60; i++) {
      const [command, actor, extra] = draw(rnd);
      const result = await same(command, actor, extra);
      if (extra.commandId) kinds.retried += 1;
      else if (result.ok) kinds.ok += 1;
      else kinds.refused += 1;
    }
    // The run exercised every path, and commands read from snapshots, not from the start.
    expect(kinds.ok).toBeGreaterThan(15);
    expect(kinds.refused).toBeGreaterThan(8);
    expect(kinds.retried).toBeGreaterThan(2);
    const fromStart = reads.filter((from) => from === 0).length;
    expect(fromStart).toBeLessThanOrEqual(1 + kinds.retried);
    const kept = await snapshots.load(STREAM, 'flow');
    expect(kept?.revision).toBeGreaterThan(EVENTS);
    // Both stores hold the very same stream.
    expect((await withSnapshots.readStream(STREAM)).map(({ id, type, data, revision, position }) => ({ id, type, data, revision, position }))).toEqual(
      (await plain.readStream(STREAM)).map(({ id, type, data, revision, position }) => ({ id, type, data, revision, position })),
    );
  }, 120_000);

  const head = async () => (await plain.readStream(STREAM, { fromRevision: (await loadStream(plain, STREAM, flowDecider)).revision }))[0];
  const allocate = (): [FlowCommand, Actor] => [{ type: 'AllocateDonation', allocationId: `y-${n}`, target: { kind: 'village', villageCode: VILLAGES[3], project: '校验' }, amount: 100_000, note: '', childFlowId: null }, FOUNDATION_STAFF];
  /** A state that would decide differently if it were used: nothing received, nothing allocated. */
  const misleading = () => JSON.stringify({ ...seeded.state, receivedAt: null, received: 0, allocations: [], uses: [] });
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const plant = async (over: Partial<StoredSnapshot>) => {
    const last = await head();
    await snapshots.remove(STREAM);
    await snapshots.save({ streamName: STREAM, kind: 'flow', version: 1, revision: last.revision, eventId: last.id, state: misleading(), checksum: sha(misleading()), ...over });
  };
  const expectRebuilt = async () => {
    const kept = await snapshots.load(STREAM, 'flow');
    const last = await head();
    expect(kept).toMatchObject({ version: flowDecider.snapshot!.version, revision: last.revision, eventId: last.id });
    expect(JSON.parse(kept!.state)).toEqual(JSON.parse(JSON.stringify(foldRecorded(flowDecider, await plain.readStream(STREAM)))));
  };

  it('brings a state cached in this process up to date with what another process appended', async () => {
    const otherProcess = new SqliteEventStore({ path: join(dir, 'a.sqlite') });
    try {
      const [command, actor] = allocate();
      const envelope = { command, actor, commandId: `o-${++n}`, correlationId: 'o' };
      const now = new Date((clock += 60_000));
      expect(await outcome(otherProcess, envelope, now)).toEqual(await outcome(plain, envelope, now));
      expect((await same(...allocate())).ok).toBe(true);
    } finally {
      await otherProcess.close();
    }
  });

  it('keeps cached states frozen, so nothing can change them behind the cache', async () => {
    await same({ type: 'DiscloseDonation' }, FOUNDATION_STAFF);
    // Disclosed already: appends nothing, so both copies stay the same.
    const result = await executeCommand(withSnapshots, STREAM, flowDecider, { command: { type: 'DiscloseDonation' }, actor: FOUNDATION_STAFF, commandId: `f-${++n}`, correlationId: 'f' });
    expect(result.events).toEqual([]);
    expect(Object.isFrozen(result.state.allocations[0])).toBe(true);
  });

  // From here on, the stored snapshots alone (no state cached in memory), to see each one used or ignored.
  it('switches the in-memory cache off', () => {
    useSnapshots(withSnapshots, { store: snapshots, every: 50, cached: 0 });
  });

  it('uses a planted snapshot of the current version (so the checks below would notice one being used)', async () => {
    await plant({});
    const [command, actor] = allocate();
    const envelope = { command, actor, commandId: `p-${++n}`, correlationId: 'p' };
    const result = await outcome(withSnapshots, envelope, new Date(clock));
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringContaining('尚未到账') } });
    await snapshots.remove(STREAM);
  });

  it('ignores a snapshot of an older state version and rebuilds it from the full stream', async () => {
    await plant({ version: 0 });
    expect((await same(...allocate())).ok).toBe(true);
    await expectRebuilt();
  });

  it.each<[string, () => Partial<StoredSnapshot>]>([
    ['a checksum that does not match', () => ({ state: misleading().slice(0, 1000) })],
    ['text that is not JSON', () => ({ state: '{"exists":tru', checksum: sha('{"exists":tru') })],
    ['an event id that is not the stream’s at that revision (another stream, a restored store)', () => ({ eventId: 'not-this-stream' })],
  ])('ignores a corrupt snapshot: %s', async (_what, over) => {
    await plant(over());
    expect((await same(...allocate())).ok).toBe(true);
    await expectRebuilt();
  });

  it('ignores a snapshot past the end of the stream', async () => {
    await plant({ revision: 1_000_000 });
    expect((await same(...allocate())).ok).toBe(true);
    await expectRebuilt();
  });

  it('decides the same when every snapshot is deleted', async () => {
    await snapshots.remove(STREAM);
    expect((await same(...allocate())).ok).toBe(true);
    expect(await snapshots.load(STREAM, 'flow')).toBeDefined();
  });

  it('a snapshot that cannot be written does not fail the command', async () => {
    const failing: SnapshotStore = { load: (s, k) => snapshots.load(s, k), save: async () => Promise.reject(new Error('disk full')), remove: async () => undefined, close: async () => undefined };
    useSnapshots(withSnapshots, { store: failing, every: 1 });
    try {
      expect((await same(...allocate())).ok).toBe(true);
    } finally {
      useSnapshots(withSnapshots, { store: snapshots, every: 50, cached: 8 });
    }
  });
});
