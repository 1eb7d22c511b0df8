import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Cohort, CohortColumns, IndexedNeed } from './cohort-columns';
import { cohortFactsOf } from './figures';
import { CohortFilter } from './monitoring.requests';

export type { Cohort, CohortGroup, IndexedNeed } from './cohort-columns';

/** Results kept for an unchanged table (see `summarize`). */
const MEMO_SIZE = 64;

const COLUMNS = ['needId', 'villageCode', 'category', 'publishedAt', 'publishedDate', 'firstAcceptedAt', 'fullyCommittedAt', 'fulfilledAt', 'teamCommitments', 'teamCommitmentsDelivered', 'position'];

interface Row {
  count: string | number;
  sum: string;
  needId: string | null;
  villageCode: string;
  category: string;
  publishedAt: string | null;
  publishedDate: string | null;
  firstAcceptedAt: string | null;
  fullyCommittedAt: string | null;
  fulfilledAt: string | null;
  teamCommitments: number | string;
  teamCommitmentsDelivered: number | string;
  position: number | string;
}

/**
 * The monitoring read model's needs in memory, for the dashboard's figures: the province's 200k
 * needs are counted in tens of milliseconds instead of being read from the table on every request.
 *
 * Every request first brings the index up to the table, in one SQL statement (one snapshot of the
 * table): the rows whose position is past the highest one the index holds, and the table's
 * fingerprint — its row count and the exact sum of the rows' positions. A row's position only
 * grows (it is the position of the last event applied to it), so after those rows are taken in,
 * the index's own count and sum equal the fingerprint unless the table changed in a way the
 * position does not show: a row committed late with a lower position (concurrent projectors) or
 * a rebuild. Then the whole table is read again. Figures are therefore always those of the table
 * at the time of the request, never older.
 */
@Injectable()
export class CohortIndex {
  /** Each row's slot: its place in `positions` and in the columns. */
  private readonly slots = new Map<string, number>();
  private readonly positions: bigint[] = [];
  private readonly columns = new CohortColumns();
  /** Counts the changes taken in; results kept in `memo` belong to one generation. */
  private generation = 0;
  private readonly memo = new Map<string, unknown>();
  private highest = -1;
  private sum = 0n;
  private refreshing?: Promise<void>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The published needs within the filter's region, dates and category, as the table holds them now. */
  async cohort(filter: CohortFilter & { region: string }): Promise<IndexedNeed[]> {
    return (await this.selection(filter)).needs();
  }

  /** The same, to be counted by group (see Cohort.groups). */
  async selection(filter: CohortFilter & { region: string }): Promise<Cohort> {
    await this.refresh();
    return this.columns.select(filter, this.positions.length);
  }

  /**
   * What `compute` makes of the cohort, kept until the table changes: the same question (`key` and
   * the filter) on an unchanged table is answered without counting again. The result is shared:
   * callers must not change it.
   */
  async summarize<T>(filter: CohortFilter & { region: string }, key: string, compute: (cohort: Cohort) => T): Promise<T> {
    await this.refresh();
    const memoKey = `${key}|${filter.region}|${filter.period}|${filter.from ?? ''}|${filter.to ?? ''}|${filter.category ?? ''}`;
    if (this.memo.has(memoKey)) return this.memo.get(memoKey) as T;
    const generation = this.generation;
    const result = compute(this.columns.select(filter, this.positions.length));
    if (generation === this.generation) {
      if (this.memo.size >= MEMO_SIZE) this.memo.delete(this.memo.keys().next().value!);
      this.memo.set(memoKey, result);
    }
    return result;
  }

  /** Brings the index up to the table; concurrent requests share one refresh. */
  refresh(): Promise<void> {
    this.refreshing ??= this.catchUp().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async catchUp(): Promise<void> {
    const rows = await this.read(this.highest);
    for (const row of rows) this.take(row);
    const { count, sum } = rows[0] ?? { count: 0, sum: '0' };
    if (Number(count) === this.slots.size && BigInt(sum) === this.sum) return;
    this.slots.clear();
    this.positions.length = 0;
    this.columns.clear();
    this.changed();
    this.highest = -1;
    this.sum = 0n;
    const all = await this.read(-1);
    for (const row of all) this.take(row);
  }

  /** The rows past `after` with the table's fingerprint, in one statement; at least one row (the fingerprint's). */
  private read(after: number): Promise<Row[]> {
    const columns = COLUMNS.map((c) => `n."${c}"`).join(', ');
    return this.dataSource.query(
      `SELECT f."count", f."sum", ${columns} FROM (SELECT COUNT(*) AS "count", CAST(COALESCE(SUM("position"), 0) AS TEXT) AS "sum" FROM "monitoring_needs") f ` +
        `LEFT JOIN "monitoring_needs" n ON n."position" > ${Math.trunc(after)}`,
    );
  }

  private take(row: Row): void {
    if (row.needId === null) return;
    this.changed();
    const position = BigInt(row.position);
    let slot = this.slots.get(row.needId);
    if (slot === undefined) this.slots.set(row.needId, (slot = this.positions.length));
    else this.sum -= this.positions[slot];
    this.sum += position;
    if (Number(position) > this.highest) this.highest = Number(position);
    const facts = cohortFactsOf({ ...row, teamCommitments: Number(row.teamCommitments), teamCommitmentsDelivered: Number(row.teamCommitmentsDelivered) });
    this.positions[slot] = position;
    this.columns.set(slot, facts && row.publishedDate ? { villageCode: row.villageCode, category: row.category, publishedDate: row.publishedDate, facts } : undefined);
  }

  private changed(): void {
    this.generation += 1;
    this.memo.clear();
  }
}
