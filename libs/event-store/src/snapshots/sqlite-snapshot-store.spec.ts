import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotStoreContract } from '../contract/snapshot-store.contract';
import { SqliteSnapshotStore } from './sqlite-snapshot-store';

const dir = mkdtempSync(join(tmpdir(), 'snapshots-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One file for every test: the contract uses fresh stream names, and this also checks reopening.
snapshotStoreContract('SQLite', async () => new SqliteSnapshotStore(join(dir, 'snapshots.sqlite')));
