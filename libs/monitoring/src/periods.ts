import { chinaDate } from '@shecun/core';
/**
 * Period bucketing of the bureau's dashboard. Every instant is read in China Standard Time
 * (UTC+8, no daylight saving), the calendar the bureau reports in:
 *
 * - `week`: ISO 8601 week, Monday 00:00 to Sunday 24:00 China time, keyed by the ISO week-year
 *   and week number, `2025-W01` (the week holding the year's first Thursday; 2024-12-30 is in
 *   2025-W01, 2021-01-03 in 2020-W53);
 * - `month`: calendar month in China time, `2025-01`;
 * - `quarter`: calendar quarter in China time (Q1 = January–March), `2025-Q1`.
 *
 * So 2024-12-31T16:00:00Z (midnight of 1 January 2025 in Guangzhou) falls in 2025-01 and 2025-Q1.
 */

export const PERIODS = ['week', 'month', 'quarter'] as const;
export type Period = (typeof PERIODS)[number];

const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export { chinaDate };

/** ISO week-year and week number of a calendar date (YYYY-MM-DD). */
function isoWeek(date: string): { year: number; week: number } {
  const day = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(day + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return { year, week };
}

/** The bucket keys of a China-time calendar date (YYYY-MM-DD). */
export function bucketsOfDate(date: string): Record<Period, string> {
  const { year, week } = isoWeek(date);
  const month = Number(date.slice(5, 7));
  return { week: `${year}-W${pad(week)}`, month: date.slice(0, 7), quarter: `${date.slice(0, 4)}-Q${Math.ceil(month / 3)}` };
}

/** The bucket key of an instant for a period, in China time. */
export const bucketOf = (instant: string | Date, period: Period): string => bucketsOfDate(chinaDate(instant))[period];

const BUCKET_PATTERNS: Record<Period, RegExp> = {
  week: /^(\d{4})-W(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
  quarter: /^(\d{4})-Q([1-4])$/,
};

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * First and last China-time calendar dates (inclusive) of a bucket, and the instants that bound it
 * (`startsAt` inclusive, `endsAt` exclusive). Undefined for a malformed key.
 */
export function bucketRange(period: Period, key: string): { firstDate: string; lastDate: string; startsAt: string; endsAt: string } | undefined {
  const match = BUCKET_PATTERNS[period].exec(key);
  if (!match) return undefined;
  const year = Number(match[1]);
  const n = Number(match[2]);
  let first: number;
  let next: number;
  if (period === 'month') {
    if (n < 1 || n > 12) return undefined;
    first = Date.UTC(year, n - 1, 1);
    next = Date.UTC(year, n, 1);
  } else if (period === 'quarter') {
    first = Date.UTC(year, (n - 1) * 3, 1);
    next = Date.UTC(year, n * 3, 1);
  } else {
    // Week 1 holds 4 January; its Monday starts the ISO year.
    const jan4 = Date.UTC(year, 0, 4);
    const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
    first = monday + (n - 1) * 7 * DAY_MS;
    next = first + 7 * DAY_MS;
    if (n < 1 || isoWeek(isoDate(first)).year !== year) return undefined;
  }
  return {
    firstDate: isoDate(first),
    lastDate: isoDate(next - DAY_MS),
    startsAt: new Date(first - CHINA_OFFSET_MS).toISOString(),
    endsAt: new Date(next - CHINA_OFFSET_MS).toISOString(),
  };
}

/** Whether a string is a real calendar date YYYY-MM-DD. */
export const isCalendarDate = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString().startsWith(value);
