import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SnapshotStore, StoredSnapshot } from './snapshot-store';

interface SnapshotRow {
  stream: string;
  kind: string;
  version: number;
  revision: number;
  event_id: string;
  state: string;
  checksum: string;
}

/**
 * Snapshots in their own SQLite file (WAL, synchronous=NORMAL: a snapshot lost in a crash is only
 * rebuilt), one row per stream and kind, replaced by newer ones.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS snapshots (
        stream TEXT NOT NULL,
        kind TEXT NOT NULL,
        version INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        state TEXT NOT NULL,
        checksum TEXT NOT NULL,
        PRIMARY KEY (stream, kind)
      );
    `);
    this.statements = {
      load: this.db.prepare<[string, string], SnapshotRow>('SELECT * FROM snapshots WHERE stream = ? AND kind = ?'),
      save: this.db.prepare(
        `INSERT INTO snapshots (stream, kind, version, revision, event_id, state, checksum)
         VALUES (@stream, @kind, @version, @revision, @eventId, @state, @checksum)
         ON CONFLICT (stream, kind) DO UPDATE SET
           version = excluded.version, revision = excluded.revision, event_id = excluded.event_id,
           state = excluded.state, checksum = excluded.checksum
         WHERE @replace = 1 OR snapshots.version <> excluded.version OR snapshots.revision < excluded.revision`,
      ),
      remove: this.db.prepare<[string]>('DELETE FROM snapshots WHERE stream = ?'),
    };
  }

  async load(streamName: string, kind: string): Promise<StoredSnapshot | undefined> {
    const row = this.statements.load.get(streamName, kind);
    return row && { streamName: row.stream, kind: row.kind, version: row.version, revision: row.revision, eventId: row.event_id, state: row.state, checksum: row.checksum };
  }

  async save(snapshot: StoredSnapshot, options: { replace?: boolean } = {}): Promise<void> {
    const { streamName, ...rest } = snapshot;
    this.statements.save.run({ stream: streamName, ...rest, replace: options.replace ? 1 : 0 });
  }

  async remove(streamName: string): Promise<void> {
    this.statements.remove.run(streamName);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
