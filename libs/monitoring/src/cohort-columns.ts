import { grow } from '@shecun/core';
import { CohortFacts, FiguresAccumulator } from './figures';
import { CohortFilter } from './monitoring.requests';
import { bucketsOfDate, Period, PERIODS } from './periods';

/** A published need of the monitoring read model, as the dashboard's figures count it. */
export interface IndexedNeed {
  villageCode: string;
  /** The codes of its province, city, county and town and the village's own: its region at each level. */
  regions: readonly string[];
  category: string;
  /** China-time date of publishing (YYYY-MM-DD). */
  publishedDate: string;
  buckets: Record<Period, string>;
  facts: CohortFacts;
}

/** The needs of one region × period bucket (× category, when asked by category) and their figures. */
export interface CohortGroup {
  region: string;
  bucket: string;
  /** Undefined unless asked by category. */
  category: string | undefined;
  figures: FiguresAccumulator;
}

/** The needs a filter selects, as the index held them when selected. */
export interface Cohort {
  readonly size: number;
  /** Each need as an object. */
  needs(): IndexedNeed[];
  /** Their figures by region of `length` digits (2, 4, 6, 9 or 12) × `period` bucket (× category), with the total. */
  groups(length: number, period: Period, byCategory: boolean): { groups: CohortGroup[]; total: FiguresAccumulator };
}

/** The lengths of the codes of a village's province, city, county, town and its own. */
const PREFIX_LENGTHS = [2, 4, 6, 9, 12];

/** Distinct strings numbered in order of arrival. */
class Interned {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      this.ids.set(value, (id = this.values.length));
      this.values.push(value);
    }
    return id;
  }
  find(value: string): number | undefined {
    return this.ids.get(value);
  }
}

/**
 * The needs of the dashboard's index in columns: a number per need in typed arrays (its village,
 * date and category by number, its milestones' facts), so a question over the province's 200k
 * needs is answered by scanning arrays of numbers, without an object per need to visit (or to keep:
 * the columns take a few megabytes). Villages, dates and categories are numbered once; a village's
 * number leads to its region's at every level, a date's to its bucket of every period.
 */
export class CohortColumns {
  private readonly villages = new Interned();
  /** Per level (see PREFIX_LENGTHS): the regions' codes, and each village's region by number. */
  private readonly regions = PREFIX_LENGTHS.map(() => new Interned());
  private readonly regionOfVillage: number[][] = PREFIX_LENGTHS.map(() => []);
  private readonly dates = new Interned();
  private readonly bucketsOfDates: Record<Period, string>[] = [];
  private readonly buckets = Object.fromEntries(PERIODS.map((p) => [p, new Interned()])) as Record<Period, Interned>;
  private readonly bucketOfDate = Object.fromEntries(PERIODS.map((p) => [p, [] as number[]])) as Record<Period, number[]>;
  private readonly categories = new Interned();

  /** 1 for a published need, 0 for a draft (counted nowhere). */
  private published = new Uint8Array(0);
  private village = new Int32Array(0);
  private date = new Int32Array(0);
  private category = new Int32Array(0);
  /** Hours from publishing to the first acceptance and to fulfilment; NaN where not reached. */
  private acceptance = new Float64Array(0);
  private fulfilment = new Float64Array(0);
  private fully = new Uint8Array(0);
  private team = new Int32Array(0);
  private teamDelivered = new Int32Array(0);

  /** Sets the need of `slot` (slots are numbered from 0 up, one per row); undefined for a draft. */
  set(slot: number, need: { villageCode: string; category: string; publishedDate: string; facts: CohortFacts } | undefined): void {
    if (slot >= this.published.length) this.grow(slot + 1);
    if (!need) {
      this.published[slot] = 0;
      return;
    }
    this.published[slot] = 1;
    this.village[slot] = this.villageId(need.villageCode);
    this.date[slot] = this.dateId(need.publishedDate);
    this.category[slot] = this.categories.id(need.category);
    this.acceptance[slot] = need.facts.acceptanceHours ?? NaN;
    this.fulfilment[slot] = need.facts.fulfilmentHours ?? NaN;
    this.fully[slot] = need.facts.fullyCommitted ? 1 : 0;
    this.team[slot] = need.facts.teamCommitments;
    this.teamDelivered[slot] = need.facts.teamCommitmentsDelivered;
  }

  /** Forgets every need (not the numbering of villages, dates and categories). */
  clear(): void {
    this.published.fill(0);
  }

  /** The published needs among the first `slots` that the filter's region, dates and category select. */
  select(filter: CohortFilter & { region: string }, slots: number): Cohort {
    const level = PREFIX_LENGTHS.indexOf(filter.region.length);
    const region = level >= 0 ? this.regions[level].find(filter.region) : undefined;
    const regionOf = this.regionOfVillage[level];
    const category = !filter.category ? -1 : (this.categories.find(filter.category) ?? -2);
    // Which dates are within from…to, decided once per date.
    const dateWithin = Uint8Array.from(this.dates.values, (d) => ((filter.from && d < filter.from) || (filter.to && d > filter.to) ? 0 : 1));
    const selected = new Int32Array(slots);
    let size = 0;
    if (category !== -2 && (level < 0 || region !== undefined)) {
      for (let slot = 0; slot < slots; slot++) {
        if (!this.published[slot] || !dateWithin[this.date[slot]]) continue;
        if (level >= 0 ? regionOf[this.village[slot]] !== region : !this.villages.values[this.village[slot]].startsWith(filter.region)) continue;
        if (category >= 0 && this.category[slot] !== category) continue;
        selected[size++] = slot;
      }
    }
    return this.cohort(selected.subarray(0, size));
  }

  private cohort(slots: Int32Array): Cohort {
    return {
      size: slots.length,
      needs: () => Array.from(slots, (slot) => this.need(slot)),
      groups: (length, period, byCategory) => this.groups(slots, length, period, byCategory),
    };
  }

  private groups(slots: Int32Array, length: number, period: Period, byCategory: boolean): { groups: CohortGroup[]; total: FiguresAccumulator } {
    const level = PREFIX_LENGTHS.indexOf(length);
    if (level < 0) throw new Error(`no region level of ${length} digits`);
    const regionOf = this.regionOfVillage[level];
    const bucketOf = this.bucketOfDate[period];
    const categories = byCategory ? this.categories.values.length : 1;
    // region → bucket × category → group
    const byRegion = new Map<number, Map<number, CohortGroup>>();
    const groups: CohortGroup[] = [];
    const total = new FiguresAccumulator();
    for (const slot of slots) {
      const region = regionOf[this.village[slot]];
      const key = bucketOf[this.date[slot]] * categories + (byCategory ? this.category[slot] : 0);
      let inRegion = byRegion.get(region);
      if (!inRegion) byRegion.set(region, (inRegion = new Map()));
      let group = inRegion.get(key);
      if (!group) {
        const bucket = this.buckets[period].values[bucketOf[this.date[slot]]];
        group = { region: this.regions[level].values[region], bucket, category: byCategory ? this.categories.values[this.category[slot]] : undefined, figures: new FiguresAccumulator() };
        inRegion.set(key, group);
        groups.push(group);
      }
      const acceptance = this.acceptance[slot];
      const fully = this.fully[slot] === 1;
      const fulfilment = this.fulfilment[slot];
      group.figures.addNeed(acceptance, fully, fulfilment, this.team[slot], this.teamDelivered[slot]);
      total.addNeed(acceptance, fully, fulfilment, this.team[slot], this.teamDelivered[slot]);
    }
    return { groups, total };
  }

  private need(slot: number): IndexedNeed {
    const village = this.village[slot];
    const nullable = (hours: number) => (Number.isNaN(hours) ? null : hours);
    return {
      villageCode: this.villages.values[village],
      regions: this.regionOfVillage.map((ids, level) => this.regions[level].values[ids[village]]),
      category: this.categories.values[this.category[slot]],
      publishedDate: this.dates.values[this.date[slot]],
      buckets: this.bucketsOfDates[this.date[slot]],
      facts: {
        acceptanceHours: nullable(this.acceptance[slot]),
        fullyCommitted: this.fully[slot] === 1,
        fulfilmentHours: nullable(this.fulfilment[slot]),
        teamCommitments: this.team[slot],
        teamCommitmentsDelivered: this.teamDelivered[slot],
      },
    };
  }

  private villageId(code: string): number {
    const known = this.villages.find(code);
    if (known !== undefined) return known;
    const id = this.villages.id(code);
    PREFIX_LENGTHS.forEach((length, level) => (this.regionOfVillage[level][id] = this.regions[level].id(code.slice(0, length))));
    return id;
  }

  private dateId(date: string): number {
    const known = this.dates.find(date);
    if (known !== undefined) return known;
    const id = this.dates.id(date);
    const buckets = bucketsOfDate(date);
    this.bucketsOfDates[id] = buckets;
    for (const period of PERIODS) this.bucketOfDate[period][id] = this.buckets[period].id(buckets[period]);
    return id;
  }

  private grow(size: number): void {
    this.published = grow(this.published, size);
    this.village = grow(this.village, size);
    this.date = grow(this.date, size);
    this.category = grow(this.category, size);
    this.acceptance = grow(this.acceptance, size);
    this.fulfilment = grow(this.fulfilment, size);
    this.fully = grow(this.fully, size);
    this.team = grow(this.team, size);
    this.teamDelivered = grow(this.teamDelivered, size);
  }
}
