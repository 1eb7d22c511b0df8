import { PostgresSnapshotStore } from './postgres-snapshot-store';
import { SnapshotStore } from './snapshot-store';
import { SqliteSnapshotStore } from './sqlite-snapshot-store';

/**
 * The snapshot store that goes with an event store URL: PostgreSQL keeps snapshots in a table next
 * to the events; SQLite in a file beside the events file (`events.sqlite` → `events.snapshots.sqlite`).
 * EventStoreDB gets none (commands fold the whole stream there, as before). `SNAPSHOT_STORE_URL`
 * (same forms) overrides; `none` turns snapshots off.
 */
export async function openSnapshotStore(eventStoreUrl: string, override = process.env.SNAPSHOT_STORE_URL): Promise<SnapshotStore | undefined> {
  const url = override ?? eventStoreUrl;
  if (url === 'none' || /^esdb(\+discover)?:\/\//.test(url)) return undefined;
  if (/^postgres(ql)?:\/\//.test(url)) return PostgresSnapshotStore.open({ connectionString: url });
  const path = url.replace(/^sqlite:/, '');
  if (override !== undefined || path === ':memory:') return new SqliteSnapshotStore(path);
  return new SqliteSnapshotStore(path.replace(/(\.sqlite3?|\.db)?$/, '.snapshots.sqlite'));
}
