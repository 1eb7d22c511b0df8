import { PostgresEventStore } from './postgres/postgres-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { EventStore } from './types';

/**
 * Opens the event store a URL names: `esdb://…` (EventStoreDB), `postgres://…` / `postgresql://…`
 * (PostgreSQL), `sqlite:<path>` or a plain file path (SQLite).
 */
export async function openEventStore(url: string): Promise<EventStore> {
  if (/^esdb(\+discover)?:\/\//.test(url)) {
    // Loaded here, not at start: the EventStoreDB client takes half a second to load.
    const { EsdbEventStore } = await import('./esdb/esdb-event-store');
    return new EsdbEventStore({ connectionString: url });
  }
  if (/^postgres(ql)?:\/\//.test(url)) return PostgresEventStore.open({ connectionString: url });
  return new SqliteEventStore({ path: url.replace(/^sqlite:/, '') });
}
