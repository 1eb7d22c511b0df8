import { duePeriods, ISSUE_GRACE_MS, reportRegions } from './report-issue';

/** An instant given in China time. */
const cst = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);
const keys = (now: Date, since: Date | null = cst('2020-01-01 00:00')) => duePeriods(now, since).map((p) => p.key);

describe('scheduled reports: which periods are due', () => {
  it('the month that ended last, once an hour has passed since its end (China time)', () => {
    expect(keys(cst('2026-12-01 00:59'))).toEqual(['2026-10']);
    expect(keys(cst('2026-12-01 01:00'))).toEqual(['2026-11']);
    expect(keys(cst('2026-12-31 23:59'))).toEqual(['2026-11']);
    expect(ISSUE_GRACE_MS).toBe(3_600_000);
  });

  it('with the quarter when that month ended one, across the year too', () => {
    expect(keys(cst('2027-01-01 02:00'))).toEqual(['2026-12', '2026-Q4']);
    expect(keys(cst('2026-10-15 08:00'))).toEqual(['2026-09', '2026-Q3']);
    expect(keys(cst('2027-02-01 01:00'))).toEqual(['2027-01']);
  });

  it('nothing for a period that ended before the platform’s first event, nor on an empty log', () => {
    expect(keys(cst('2027-01-01 02:00'), cst('2026-12-31 23:00'))).toEqual(['2026-12', '2026-Q4']);
    expect(keys(cst('2027-01-01 02:00'), cst('2026-11-15 08:00'))).toEqual(['2026-12', '2026-Q4']);
    expect(keys(cst('2027-01-01 02:00'), cst('2027-01-01 00:00'))).toEqual([]);
    expect(keys(cst('2027-01-01 02:00'), null)).toEqual([]);
  });

  it('for the province, each city and each county', () => {
    const tree: Record<string, string[]> = { '44': ['4401', '4418'], '4401': ['440103', '440104'], '4418': ['441802'] };
    expect(reportRegions({ rootCode: '44', children: (code) => (tree[code] ?? []).map((c) => ({ code: c })) })).toEqual(['44', '4401', '4418', '440103', '440104', '441802']);
  });
});
