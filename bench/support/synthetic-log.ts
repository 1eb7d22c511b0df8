import Database from 'better-sqlite3';
import { SqliteEventStore } from '@shecun/event-store';
import { syntheticNeedEvents } from '@shecun/needs';
import { RegionsService } from '@shecun/regions';

export interface SyntheticLog {
  events: number;
  villages: number;
  generateSeconds: number;
}

/** Every village of Guangdong, by division code. */
export function guangdongVillages(regions = new RegionsService()): string[] {
  const below = (code: string): string[] => (code.length === 12 ? [code] : regions.children(code).flatMap((c) => below(c.code)));
  return below(regions.rootCode);
}

/**
 * Writes the histories of `needs` needs across every village of Guangdong (each decided by the
 * needs decider, see synthetic-needs.ts) to a SQLite event store at `eventsPath`, in time order:
 * the store creates its table, the log is then written in bulk.
 */
export async function writeSyntheticNeedLog(eventsPath: string, needs: number, seed = 44): Promise<SyntheticLog> {
  const villages = guangdongVillages();
  await new SqliteEventStore({ path: eventsPath }).close();
  const t0 = process.hrtime.bigint();
  const writer = new Database(eventsPath);
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = OFF');
  const insert = writer.prepare('INSERT INTO events (id, stream, revision, type, schema_version, data, metadata) VALUES (?, ?, ?, ?, 1, ?, ?)');
  const write = writer.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(...row);
  });
  let events = 0;
  let rows: unknown[][] = [];
  for (const e of syntheticNeedEvents({ villages, needs, start: new Date('2024-01-01T00:00:00+08:00'), days: 730, seed })) {
    rows.push([e.id, e.stream, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)]);
    events += 1;
    if (rows.length === 10_000) {
      write(rows);
      rows = [];
    }
  }
  write(rows);
  writer.pragma('wal_checkpoint(TRUNCATE)');
  writer.close();
  return { events, villages: villages.length, generateSeconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/**
 * The raw baseline of every rebuild benchmark: the SQLite event store's own query over the whole
 * log, `batch` rows at a time (up to position `until`), with JSON.parse of each event's data and
 * metadata and nothing else. Returns a pass that counts the events it read.
 */
export function rawLogPass(reader: Database.Database, batch: number, until = Infinity): () => number {
  const read = reader.prepare<[number, number], { position: number; data: string; metadata: string }>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
  return () => {
    let after = -1;
    let count = 0;
    for (;;) {
      const rows = read.all(after, batch).filter((r) => r.position <= until);
      if (rows.length === 0) return count;
      for (const row of rows) {
        JSON.parse(row.data);
        JSON.parse(row.metadata);
      }
      count += rows.length;
      after = rows[rows.length - 1].position;
    }
  };
}
