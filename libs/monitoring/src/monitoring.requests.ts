/**
 * What the monitoring dashboard is asked: region levels, the cohort filter and the requests for
 * figures, drill-downs and sources, and the money figures of a summary.
 */
import { invalid } from '@shecun/core';
import { MoneyFigure } from '@shecun/donations';
import { Figure } from './figures';
import { isCalendarDate, Period } from './periods';

export const REGION_LEVELS = ['province', 'city', 'county', 'town'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];
export const REGION_CODE_LENGTH: Record<RegionLevel, number> = { province: 2, city: 4, county: 6, town: 9 };
export const LEVEL_OF_LENGTH = new Map<number, RegionLevel>(REGION_LEVELS.map((l) => [REGION_CODE_LENGTH[l], l]));

export type RegionRef = { code: string; name: string; level: RegionLevel };

export interface CohortFilter {
  /** Region (a division code of 2, 4, 6 or 9 digits): needs of villages whose code starts with it; default the caller's scope. */
  region?: string;
  period: Period;
  /** China-time publishing dates, inclusive. */
  from?: string;
  to?: string;
  category?: string;
}

export interface FiguresRequest extends CohortFilter {
  /** Rows per region of this level within `region`; default the region's own level. */
  level?: RegionLevel;
  /** One row per category, instead of all categories together. */
  byCategory?: boolean;
}

export interface DrillDownRequest extends CohortFilter {
  figure: Figure;
  /** One period bucket (e.g. 2025-03); all buckets of the range when absent. */
  bucket?: string;
  page?: number;
  pageSize?: number;
}

export interface SourcesRequest extends Omit<CohortFilter, 'category'> {
  figure: MoneyFigure;
  /** One period bucket; all buckets of the range when absent. */
  bucket?: string;
  /** Only the unallocated parts (未分配, province only). */
  unallocated?: boolean;
  page?: number;
  pageSize?: number;
}

/** The summary's money figures, in fen of value (see libs/donations/src/counting.ts). */
export interface MoneyFigures {
  receivedFen: number;
  transferredFen: number;
  allocatedFen: number;
  usedFen: number;
  evidencedFen: number;
  confirmedFen: number;
}
export const zeroMoney = (): MoneyFigures => ({ receivedFen: 0, transferredFen: 0, allocatedFen: 0, usedFen: 0, evidencedFen: 0, confirmedFen: 0 });
export const MONEY_FIELDS: Record<MoneyFigure, keyof MoneyFigures> = {
  received: 'receivedFen', transferred: 'transferredFen', allocated: 'allocatedFen', used: 'usedFen', evidenced: 'evidencedFen', confirmed: 'confirmedFen',
};

/** Refuses dates that are not calendar dates, and a range that ends before it starts. */
export function checkDates(filter: CohortFilter): void {
  for (const [name, value] of [['from', filter.from], ['to', filter.to]] as const) {
    if (value !== undefined && !isCalendarDate(value)) throw invalid(`${name} must be a calendar date YYYY-MM-DD`);
  }
  if (filter.from && filter.to && filter.from > filter.to) throw invalid('from must not be after to');
}
