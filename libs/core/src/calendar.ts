/**
 * Calendar dates as Guangdong reads them: China Standard Time (UTC+8, no daylight saving). Due
 * dates, promised dates and terms are such dates; "today" for a rule is today there, not in UTC.
 */
const CHINA_OFFSET_MS = 8 * 3_600_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** The China-time calendar date (YYYY-MM-DD) of an instant. */
export function chinaDate(instant: string | Date | number): string {
  const ms = (typeof instant === 'string' ? Date.parse(instant) : typeof instant === 'number' ? instant : instant.getTime()) + CHINA_OFFSET_MS;
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Today's date in China. */
export const chinaToday = (now: Date | number = Date.now()): string => chinaDate(now);

/** An instant as a China-time wall clock, `YYYY-MM-DD HH:mm:ss` (what exports show; UTC+8, no daylight saving). */
export function chinaDateTime(instant: string | Date | number): string {
  const ms = (typeof instant === 'string' ? Date.parse(instant) : typeof instant === 'number' ? instant : instant.getTime()) + CHINA_OFFSET_MS;
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
