import { DomainError } from '@shecun/core';
import { SqliteEventStore } from '@shecun/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEDGER_CHECKPOINT_STREAM } from './ledger-checkpoint';
import { LedgerCheckpoints, LedgerCheckpointSweeper } from './ledger-checkpoint.service';

/** Several instances (the donations services of the distributed topology) sealing the ledger at once append one checkpoint. */
describe('ledger checkpoints taken by several instances at once', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shecun-checkpoints-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const system = (n: number) => ({ actor: { id: 'system', role: 'system' as const }, commandId: `00000000-0000-4000-8000-00000000000${n}`, correlationId: `c-${n}` });

  it('given an empty log, when two takers seal at once, then one checkpoint is appended and the other is told of the conflict', async () => {
    const [a, b] = [new LedgerCheckpoints(store), new LedgerCheckpoints(store)];
    const outcomes = await Promise.allSettled([a.take(system(1), 'periodic'), b.take(system(2), 'periodic')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(DomainError);
    expect((refused.reason as DomainError).kind).toBe('conflict');
    expect(await store.readStream(LEDGER_CHECKPOINT_STREAM)).toHaveLength(1);
  });

  it('given two sweepers due at once, when both sweep, then one checkpoint stands for both and neither fails', async () => {
    const previous = process.env.LEDGER_CHECKPOINT_HOURS;
    process.env.LEDGER_CHECKPOINT_HOURS = '1';
    try {
      const sweepers = [new LedgerCheckpointSweeper(new LedgerCheckpoints(store)), new LedgerCheckpointSweeper(new LedgerCheckpoints(store))];
      const later = new Date(Date.now() + 2 * 3_600_000);
      const results = await Promise.all(sweepers.map((s) => s.sweep(later)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await store.readStream(LEDGER_CHECKPOINT_STREAM)).toHaveLength(1);
      // Not due again until the interval has passed since that checkpoint.
      expect(await sweepers[0].sweep(new Date(later.getTime() + 60_000))).toBeNull();
    } finally {
      if (previous === undefined) delete process.env.LEDGER_CHECKPOINT_HOURS;
      else process.env.LEDGER_CHECKPOINT_HOURS = previous;
    }
  });
});
