import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CohortFacts, cohortFactsOf } from './figures';
import { CohortFilter } from './monitoring.requests';
import { bucketsOfDate, Period } from './periods';

/** A published need of the monitoring read model, as the dashboard's figures count it. */
export interface IndexedNeed {
  villageCode: string;
  /** The codes of its province, city, county and town and the village's own: its region at each level (see `regionOf`). */
  regions: readonly string[];
  category: string;
  /** China-time date of publishing (YYYY-MM-DD). */
  publishedDate: string;
  buckets: Record<Period, string>;
  facts: CohortFacts;
}

const PREFIX_LENGTHS = [2, 4, 6, 9, 12];
/** Results kept for an unchanged table (see `summarize`). */
const MEMO_SIZE = 64;

/** The code of the need's region whose codes have `length` digits (2, 4, 6, 9 or 12). */
export function regionOf(need: IndexedNeed, length: number): string {
  const at = PREFIX_LENGTHS.indexOf(length);
  return at >= 0 ? need.regions[at] : need.villageCode.slice(0, length);
}

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
  private readonly needs = new Map<string, { position: bigint; need: IndexedNeed | undefined }>();
  private readonly bucketsByDate = new Map<string, Record<Period, string>>();
  /** One string per region code, shared by the needs of the region. */
  private readonly codes = new Map<string, string>();
  /** Counts the changes taken in; results kept in `memo` belong to one generation. */
  private generation = 0;
  private readonly memo = new Map<string, unknown>();
  private highest = -1;
  private sum = 0n;
  private refreshing?: Promise<void>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The published needs within the filter's region, dates and category, as the table holds them now. */
  async cohort(filter: CohortFilter & { region: string }): Promise<IndexedNeed[]> {
    await this.refresh();
    return this.select(filter);
  }

  /**
   * What `compute` makes of the cohort, kept until the table changes: the same question (`key` and
   * the filter) on an unchanged table is answered without counting again. The result is shared:
   * callers must not change it.
   */
  async summarize<T>(filter: CohortFilter & { region: string }, key: string, compute: (needs: IndexedNeed[]) => T): Promise<T> {
    await this.refresh();
    const memoKey = `${key}|${filter.region}|${filter.period}|${filter.from ?? ''}|${filter.to ?? ''}|${filter.category ?? ''}`;
    if (this.memo.has(memoKey)) return this.memo.get(memoKey) as T;
    const generation = this.generation;
    const result = compute(this.select(filter));
    if (generation === this.generation) {
      if (this.memo.size >= MEMO_SIZE) this.memo.delete(this.memo.keys().next().value!);
      this.memo.set(memoKey, result);
    }
    return result;
  }

  private select(filter: CohortFilter & { region: string }): IndexedNeed[] {
    const result: IndexedNeed[] = [];
    for (const { need } of this.needs.values()) {
      if (!need || !need.villageCode.startsWith(filter.region)) continue;
      if ((filter.from && need.publishedDate < filter.from) || (filter.to && need.publishedDate > filter.to)) continue;
      if (filter.category && need.category !== filter.category) continue;
      result.push(need);
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
    if (Number(count) === this.needs.size && BigInt(sum) === this.sum) return;
    this.needs.clear();
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
    const before = this.needs.get(row.needId);
    if (before) this.sum -= before.position;
    this.sum += position;
    if (Number(position) > this.highest) this.highest = Number(position);
    const facts = cohortFactsOf({ ...row, teamCommitments: Number(row.teamCommitments), teamCommitmentsDelivered: Number(row.teamCommitmentsDelivered) });
    const need = facts && row.publishedDate
      ? { villageCode: row.villageCode, regions: this.regionsOf(row.villageCode), category: row.category, publishedDate: row.publishedDate, buckets: this.bucketsOf(row.publishedDate), facts }
      : undefined;
    this.needs.set(row.needId, { position, need });
  }

  private changed(): void {
    this.generation += 1;
    this.memo.clear();
  }

  private regionsOf(villageCode: string): string[] {
    return PREFIX_LENGTHS.map((length) => {
      const code = villageCode.slice(0, length);
      let shared = this.codes.get(code);
      if (shared === undefined) this.codes.set(code, (shared = code));
      return shared;
    });
  }

  private bucketsOf(date: string): Record<Period, string> {
    let buckets = this.bucketsByDate.get(date);
    if (!buckets) this.bucketsByDate.set(date, (buckets = bucketsOfDate(date)));
    return buckets;
  }
}
