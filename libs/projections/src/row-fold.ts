import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { selectRowsIn, upsertRows } from './bulk-rows';

/**
 * The rows of one read-model table that a batch of events touches, folded in memory: `load` reads
 * those named by the batch in a few `IN (…)` queries, the projection folds each event in turn with
 * `get`/`set` (exactly what applying them one at a time to the table would do), and `flush` writes
 * each changed row once, in multi-row upserts (bulk-rows.ts). For projections whose rows are keyed by one column.
 */
export class RowFold<T extends ObjectLiteral> {
  private readonly rows = new Map<string, T | null>();
  private readonly changed = new Set<string>();

  constructor(
    private readonly entity: EntityTarget<T>,
    private readonly key: keyof T & string,
  ) {}

  /** Reads the rows of these keys not read yet (absent ones are remembered as absent). */
  async load(manager: EntityManager, keys: Iterable<string>): Promise<void> {
    const wanted = [...new Set(keys)].filter((k) => !this.rows.has(k));
    for (const k of wanted) this.rows.set(k, null);
    for (const row of await selectRowsIn(manager, this.entity, this.key, wanted)) this.rows.set(String(row[this.key]), row);
  }

  /** The row as the events folded so far left it; undefined when absent (or not loaded). */
  get(key: string): T | undefined {
    return this.rows.get(key) ?? undefined;
  }

  set(row: T): void {
    const key = String(row[this.key]);
    this.rows.set(key, row);
    this.changed.add(key);
  }

  /** Writes every changed row once (insert or replace, all columns), then forgets them. */
  async flush(manager: EntityManager): Promise<void> {
    const rows = [...this.changed].map((k) => this.rows.get(k)!);
    this.rows.clear();
    this.changed.clear();
    await upsertRows(manager, this.entity, rows);
  }
}
