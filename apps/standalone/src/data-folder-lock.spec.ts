import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFolderLock, DataFolderLockedError } from './data-folder-lock';

/**
 * Two takers of one data folder whose handshakes interleave (two connections in one process: each
 * step is synchronous, the steps alternate at the retry's pauses). Exactly one gets the folder;
 * the other is refused naming it — never itself, and never both refused by overwriting each
 * other's row in turn. test/e2e/data-folder-lock.spec.ts starts real processes.
 */
describe('DataFolderLock, two takers at once', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'shecun-lock-unit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([1, 2, 3, 4, 5])('round %i: one holds, the other names it', async () => {
    const outcomes = await Promise.allSettled([DataFolderLock.acquire(dir, 'server'), DataFolderLock.acquire(dir, 'cli rebuild')]);
    const held = outcomes.filter((o): o is PromiseFulfilledResult<DataFolderLock> => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect({ held: held.length, refused: refused.length }).toEqual({ held: 1, refused: 1 });
    const winner = outcomes[0].status === 'fulfilled' ? 'server' : 'cli rebuild';
    expect(refused[0].reason).toBeInstanceOf(DataFolderLockedError);
    expect((refused[0].reason as DataFolderLockedError).holder).toMatchObject({ pid: process.pid, command: winner });
    held[0].value.release();
  });
});
