import { bucketOf, bucketRange, bucketsOfDate, chinaDate, isCalendarDate } from './periods';

describe('period buckets in China time', () => {
  it('reads instants in UTC+8: late evening UTC is the next day, month and quarter in Guangzhou', () => {
    expect(chinaDate('2024-12-31T15:59:59.999Z')).toBe('2024-12-31');
    expect(chinaDate('2024-12-31T16:00:00.000Z')).toBe('2025-01-01');
    expect(bucketOf('2024-12-31T16:00:00Z', 'month')).toBe('2025-01');
    expect(bucketOf('2024-12-31T16:00:00Z', 'quarter')).toBe('2025-Q1');
    expect(bucketOf('2024-12-31T15:00:00Z', 'quarter')).toBe('2024-Q4');
    expect(bucketOf('2025-03-31T16:30:00Z', 'quarter')).toBe('2025-Q2');
  });

  it('numbers weeks as ISO 8601 (Monday first, the week of the first Thursday is week 1)', () => {
    expect(bucketsOfDate('2024-12-30').week).toBe('2025-W01'); // a Monday in December, week 1 of 2025
    expect(bucketsOfDate('2025-01-05').week).toBe('2025-W01'); // Sunday ends it
    expect(bucketsOfDate('2025-01-06').week).toBe('2025-W02');
    expect(bucketsOfDate('2021-01-03').week).toBe('2020-W53');
    expect(bucketsOfDate('2026-12-31').week).toBe('2026-W53');
    // Sunday 23:30 in Guangzhou is still that week; Monday 00:30 the next.
    expect(bucketOf('2025-01-12T15:30:00Z', 'week')).toBe('2025-W02');
    expect(bucketOf('2025-01-12T16:30:00Z', 'week')).toBe('2025-W03');
  });

  it('gives each bucket its first and last date and the instants that bound it', () => {
    expect(bucketRange('month', '2025-02')).toEqual({ firstDate: '2025-02-01', lastDate: '2025-02-28', startsAt: '2025-01-31T16:00:00.000Z', endsAt: '2025-02-28T16:00:00.000Z' });
    expect(bucketRange('quarter', '2024-Q4')).toMatchObject({ firstDate: '2024-10-01', lastDate: '2024-12-31' });
    expect(bucketRange('week', '2025-W01')).toMatchObject({ firstDate: '2024-12-30', lastDate: '2025-01-05', startsAt: '2024-12-29T16:00:00.000Z' });
    expect(bucketRange('week', '2020-W53')).toMatchObject({ firstDate: '2020-12-28', lastDate: '2021-01-03' });
    expect(bucketRange('week', '2025-W53')).toBeUndefined(); // 2025 has 52 weeks
    expect(bucketRange('month', '2025-13')).toBeUndefined();
    expect(bucketRange('month', '2025-Q1')).toBeUndefined();
  });

  it('puts every day of a range in the bucket whose range holds it', () => {
    for (let day = Date.UTC(2023, 11, 1); day < Date.UTC(2026, 1, 1); day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      for (const [period, key] of Object.entries(bucketsOfDate(date)) as Array<['week' | 'month' | 'quarter', string]>) {
        const range = bucketRange(period, key)!;
        expect(range.firstDate <= date && date <= range.lastDate).toBe(true);
      }
    }
  });

  it('knows calendar dates', () => {
    expect(isCalendarDate('2025-02-28')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-2-1')).toBe(false);
  });
});
