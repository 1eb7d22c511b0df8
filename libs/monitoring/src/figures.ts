import quickselect from 'quickselect';

/**
 * The dashboard's figures and how each is computed. A figure is computed over a cohort: the needs
 * published in one bucket (a region × a category, or all categories × a period bucket, see
 * periods.ts), in China time. Drafts never published are not counted anywhere. Milestones count as
 * reached if they were ever reached, whenever that was (up to the read model's position):
 *
 * - published: needs of the cohort (withdrawn and expired ones included: they were published);
 * - matched: needs with at least one commitment accepted at some time (a later withdrawal does not
 *   undo the match);
 * - fully committed: needs whose every line item was at some moment covered by accepted
 *   commitments;
 * - fulfilled: needs the coordinator confirmed fulfilled (NeedFulfilled; closing afterwards keeps
 *   it). The decider fulfils a need only after a confirmed delivery, so every fulfilled need is a
 *   matched one;
 * - match success rate 供需对接成功率 = matched / published (null when nothing was published);
 * - conversion rate 成果转化率 = fulfilled / matched (null when nothing was matched);
 * - time to first acceptance: first CommitmentAccepted − NeedPublished, over the matched needs;
 *   time to fulfilment: NeedFulfilled − NeedPublished, over the fulfilled needs; each given as the
 *   median and the 90th percentile in hours, nearest-rank (see `percentile`);
 * - team commitments: commitments offered on behalf of a team (组团帮扶) on the cohort's needs that
 *   stand accepted now (withdrawn ones not counted); delivered: those of them delivered in full and
 *   confirmed by the coordinator.
 */

export interface Durations {
  /** Needs the durations are taken over. */
  needs: number;
  medianHours: number | null;
  p90Hours: number | null;
}

export interface NeedFigures {
  published: number;
  matched: number;
  fullyCommitted: number;
  fulfilled: number;
  matchRate: number | null;
  conversionRate: number | null;
  timeToFirstAcceptance: Durations;
  timeToFulfilment: Durations;
  teamCommitments: number;
  teamCommitmentsDelivered: number;
}

/** The milestones of one need, as the monitoring read model stores them. */
export interface CohortNeed {
  publishedAt: string | null;
  firstAcceptedAt: string | null;
  fullyCommittedAt: string | null;
  fulfilledAt: string | null;
  teamCommitments: number;
  teamCommitmentsDelivered: number;
}

/**
 * Nearest-rank percentile of values sorted ascending: the value at rank ⌈p/100 × n⌉ (1-based), so
 * always one of the values; null for no values. The median is p = 50: for [1, 2, 3, 4] it is 2,
 * for [1, 2, 3] it is 2; the 90th percentile of ten values is the 9th.
 */
export function percentile(sortedAscending: ArrayLike<number>, p: number): number | null {
  const n = sortedAscending.length;
  return n === 0 ? null : sortedAscending[rankOf(n, p) - 1];
}

/** The 1-based nearest rank of the p-th percentile among n values (n ≥ 1). */
const rankOf = (n: number, p: number) => Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));

export const ratio = (numerator: number, denominator: number): number | null => (denominator === 0 ? null : numerator / denominator);

const HOUR_MS = 3_600_000;

/**
 * The median and 90th percentile of `hours`, as `percentile` gives them on the sorted values, but
 * found by selection (linear time) instead of sorting: the province's 100k durations are ranked
 * on every change of the dashboard's table.
 */
export function durations(hours: ArrayLike<number>): Durations {
  const n = hours.length;
  if (n === 0) return { needs: 0, medianHours: null, p90Hours: null };
  const values = Float64Array.from(hours);
  const median = rankOf(n, 50) - 1;
  const p90 = rankOf(n, 90) - 1;
  quickselect(values, median);
  // Everything right of the median is at least the median: the 90th percentile is the median or among those.
  if (p90 > median) quickselect(values, p90, median + 1);
  return { needs: n, medianHours: values[median], p90Hours: values[p90] };
}

/** What one published need adds to its cohort's figures, worked out once from its milestones. */
export interface CohortFacts {
  /** First acceptance − publishing, in hours; null when never matched. */
  acceptanceHours: number | null;
  fullyCommitted: boolean;
  /** Fulfilment − publishing, in hours; null when not fulfilled. */
  fulfilmentHours: number | null;
  teamCommitments: number;
  teamCommitmentsDelivered: number;
}

/** The facts of a need's milestones; undefined for a draft (never published: counted nowhere). */
export function cohortFactsOf(need: CohortNeed): CohortFacts | undefined {
  if (!need.publishedAt) return undefined;
  const published = Date.parse(need.publishedAt);
  return {
    acceptanceHours: need.firstAcceptedAt ? (Date.parse(need.firstAcceptedAt) - published) / HOUR_MS : null,
    fullyCommitted: need.fullyCommittedAt !== null,
    fulfilmentHours: need.fulfilledAt ? (Date.parse(need.fulfilledAt) - published) / HOUR_MS : null,
    teamCommitments: need.teamCommitments,
    teamCommitmentsDelivered: need.teamCommitmentsDelivered,
  };
}

/** Adds up the figures of one cohort, need by need. */
export class FiguresAccumulator {
  private published = 0;
  private matched = 0;
  private fullyCommitted = 0;
  private fulfilled = 0;
  private teamCommitments = 0;
  private teamCommitmentsDelivered = 0;
  private readonly toAcceptance: number[] = [];
  private readonly toFulfilment: number[] = [];

  add(need: CohortNeed): void {
    const facts = cohortFactsOf(need);
    if (facts) this.addFacts(facts);
  }

  /** Adds a published need by its facts (see cohortFactsOf). */
  addFacts(facts: CohortFacts): void {
    this.addNeed(facts.acceptanceHours ?? NaN, facts.fullyCommitted, facts.fulfilmentHours ?? NaN, facts.teamCommitments, facts.teamCommitmentsDelivered);
  }

  /** Adds a published need by its facts one by one, a duration NaN where there is none (the dashboard's index keeps them so). */
  addNeed(acceptanceHours: number, fullyCommitted: boolean, fulfilmentHours: number, teamCommitments: number, teamCommitmentsDelivered: number): void {
    this.published += 1;
    if (!Number.isNaN(acceptanceHours)) {
      this.matched += 1;
      this.toAcceptance.push(acceptanceHours);
    }
    if (fullyCommitted) this.fullyCommitted += 1;
    if (!Number.isNaN(fulfilmentHours)) {
      this.fulfilled += 1;
      this.toFulfilment.push(fulfilmentHours);
    }
    this.teamCommitments += teamCommitments;
    this.teamCommitmentsDelivered += teamCommitmentsDelivered;
  }

  result(): NeedFigures {
    return {
      published: this.published,
      matched: this.matched,
      fullyCommitted: this.fullyCommitted,
      fulfilled: this.fulfilled,
      matchRate: ratio(this.matched, this.published),
      conversionRate: ratio(this.fulfilled, this.matched),
      timeToFirstAcceptance: durations(this.toAcceptance),
      timeToFulfilment: durations(this.toFulfilment),
      teamCommitments: this.teamCommitments,
      teamCommitmentsDelivered: this.teamCommitmentsDelivered,
    };
  }
}

/** The figures a drill-down lists the needs of, and which needs each counts. */
export const FIGURES = ['published', 'matched', 'fully_committed', 'fulfilled', 'team_commitments', 'team_delivered'] as const;
export type Figure = (typeof FIGURES)[number];
