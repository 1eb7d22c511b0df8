import { DataSource } from 'typeorm';
import { CohortIndex } from '../cohort-index';
import { FiguresAccumulator } from '../figures';
import { MonitoredNeed } from '../monitoring.projection';
import { bucketsOfDate, PERIODS } from '../periods';

/**
 * What the dashboard's in-memory index must give on any database: after any change to the
 * monitoring table — new and updated rows, a row committed late with a lower position, the table
 * emptied and filled again by a rebuild — the figures it counts equal the figures counted from the
 * table itself. Run by cohort-index.spec.ts (SQLite file) and cohort-index.infra.spec.ts (PostgreSQL).
 */
export function cohortIndexContract(open: () => Promise<DataSource>, close: (dataSource: DataSource) => Promise<void>): void {
  let dataSource: DataSource;
  beforeEach(async () => {
    dataSource = await open();
  });
  afterEach(() => close(dataSource));

  const hours = (h: number) => new Date(Date.UTC(2025, 2, 3, 1) + h * 3_600_000).toISOString();
  const row = (i: number, position: number, over: Partial<MonitoredNeed> = {}): MonitoredNeed => ({
    needId: `need-${i}`, villageCode: i % 2 ? '441802100201' : '440104001001', category: i % 3 ? 'education' : 'health', title: `需求 ${i}`, status: 'published',
    publishedAt: hours(0), publishedDate: '2025-03-03', firstAcceptedAt: i % 4 ? hours(i) : null, fullyCommittedAt: null, fulfilledAt: i % 5 === 0 ? hours(100 + i) : null,
    endedAt: null, teamCommitments: i % 7 === 0 ? 1 : 0, teamCommitmentsDelivered: 0, revision: 1, position, state: '{}', ...over,
  });
  const put = (...rows: MonitoredNeed[]) => dataSource.getRepository(MonitoredNeed).save(rows);
  /** The figures counted straight from the table, for one region. */
  const fromTable = async (region: string) => {
    const acc = new FiguresAccumulator();
    for (const need of await dataSource.getRepository(MonitoredNeed).find()) if (need.villageCode.startsWith(region)) acc.add(need);
    return acc.result();
  };
  const fromIndex = async (index: CohortIndex, region: string) => {
    const acc = new FiguresAccumulator();
    for (const need of await index.cohort({ region, period: 'month' })) acc.addFacts(need.facts);
    return acc.result();
  };
  const same = async (index: CohortIndex) => {
    for (const region of ['44', '4418', '4401']) expect(await fromIndex(index, region)).toEqual(await fromTable(region));
  };

  it('counts what the table holds after new rows, updated rows and drafts', async () => {
    const index = new CohortIndex(dataSource);
    await same(index);
    await put(...Array.from({ length: 40 }, (_, i) => row(i, 10 + i)));
    await same(index);
    expect((await index.cohort({ region: '44', period: 'month' })).length).toBe(40);
    // An update moves the row's position up; a draft is counted nowhere.
    await put(row(3, 100, { fulfilledAt: hours(300) }), row(41, 101, { publishedAt: null, publishedDate: null }));
    await same(index);
    expect((await index.cohort({ region: '44', period: 'month' })).length).toBe(40);
  });

  it('filters by region, dates and category', async () => {
    const index = new CohortIndex(dataSource);
    await put(...Array.from({ length: 12 }, (_, i) => row(i, 1 + i, { publishedDate: i < 6 ? '2025-03-03' : '2025-04-10' })));
    expect((await index.cohort({ region: '4418', period: 'month' })).length).toBe(6);
    expect((await index.cohort({ region: '44', period: 'month', from: '2025-04-01' })).length).toBe(6);
    expect((await index.cohort({ region: '44', period: 'month', to: '2025-03-31', category: 'health' })).map((n) => n.category)).toEqual(['health', 'health']);
    expect((await index.cohort({ region: '44', period: 'month', from: '2025-04-01' }))[0].buckets).toEqual({ week: '2025-W15', month: '2025-04', quarter: '2025-Q2' });
  });

  it('notices a row committed late with a lower position than one it already holds', async () => {
    const index = new CohortIndex(dataSource);
    await put(row(1, 50), row(2, 60));
    await same(index);
    await put(row(3, 55)); // another projector's transaction, committed after the one at 60
    await same(index);
    expect((await index.cohort({ region: '44', period: 'month' })).length).toBe(3);
  });

  it('notices a rebuild: the table emptied and filled again with other rows up to the same positions', async () => {
    const index = new CohortIndex(dataSource);
    await put(...Array.from({ length: 10 }, (_, i) => row(i, 1 + i)));
    await same(index);
    await dataSource.getRepository(MonitoredNeed).clear();
    await same(index);
    await put(...Array.from({ length: 10 }, (_, i) => row(i, 1 + i, { category: 'care', firstAcceptedAt: null })));
    await same(index);
    expect((await index.cohort({ region: '44', period: 'month', category: 'care' })).length).toBe(10);
  });

  it('shares one refresh between concurrent requests', async () => {
    const index = new CohortIndex(dataSource);
    await put(...Array.from({ length: 20 }, (_, i) => row(i, 1 + i)));
    const results = await Promise.all(Array.from({ length: 5 }, () => index.cohort({ region: '44', period: 'month' })));
    expect(results.map((r) => r.length)).toEqual([20, 20, 20, 20, 20]);
  });
  it('keeps a summary until the table changes, then counts again', async () => {
    const index = new CohortIndex(dataSource);
    await put(...Array.from({ length: 6 }, (_, i) => row(i, 1 + i)));
    let computed = 0;
    const published = () => index.summarize({ region: '44', period: 'month' }, 'published', (cohort) => ({ computed: ++computed, count: cohort.size }));
    const first = await published();
    expect(await published()).toBe(first);
    expect(first).toEqual({ computed: 1, count: 6 });
    // Another question, or the same one of another region, is counted on its own.
    expect(await index.summarize({ region: '4418', period: 'month' }, 'published', (cohort) => cohort.size)).toBe(3);
    await put(row(6, 7));
    expect(await published()).toEqual({ computed: 2, count: 7 });
    await put(row(0, 8, { publishedAt: null, publishedDate: null }));
    expect(await published()).toEqual({ computed: 3, count: 6 });
  });

  it('counts by region of every level, bucket of every period and category as the table counts', async () => {
    const villages = ['441802100201', '441802100202', '441803101001', '440104001001'];
    const categories = ['education', 'health', 'care'];
    const dates = ['2024-12-30', '2025-01-05', '2025-01-06', '2025-03-31', '2025-04-01', '2025-06-15'];
    await put(...Array.from({ length: 72 }, (_, i) => row(i, 1 + i, {
      villageCode: villages[i % 4], category: categories[i % 3], publishedDate: dates[i % 6], publishedAt: `${dates[i % 6]}T02:00:00.000Z`,
      firstAcceptedAt: i % 4 ? `${dates[i % 6]}T${String(3 + (i % 11)).padStart(2, '0')}:00:00.000Z` : null,
      ...(i % 9 === 0 ? { publishedAt: null, publishedDate: null } : {}),
    })));
    const index = new CohortIndex(dataSource);
    const table = await dataSource.getRepository(MonitoredNeed).find();
    for (const length of [2, 4, 6, 9, 12]) {
      for (const period of PERIODS) {
        for (const byCategory of [false, true]) {
          const expected = new Map<string, FiguresAccumulator>();
          const total = new FiguresAccumulator();
          for (const need of table) {
            if (!need.publishedDate || !need.villageCode.startsWith('4418')) continue;
            const key = `${need.villageCode.slice(0, length)}|${bucketsOfDate(need.publishedDate)[period]}|${byCategory ? need.category : ''}`;
            if (!expected.has(key)) expected.set(key, new FiguresAccumulator());
            expected.get(key)!.add(need);
            total.add(need);
          }
          const counted = (await index.selection({ region: '4418', period })).groups(length, period, byCategory);
          const groups = new Map(counted.groups.map((g) => [`${g.region}|${g.bucket}|${g.category ?? ''}`, g.figures.result()]));
          expect(groups).toEqual(new Map([...expected].map(([key, acc]) => [key, acc.result()])));
          expect(counted.total.result()).toEqual(total.result());
        }
      }
    }
    expect((await index.selection({ region: '4418', period: 'week' })).size).toBe(48);
  });
}
