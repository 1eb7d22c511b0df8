import { durations, FiguresAccumulator, percentile } from './figures';

describe('dashboard figures', () => {
  it('takes percentiles by nearest rank', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
  });

  it('selects the median and 90th percentile exactly as sorting would, ties and all, leaving its input as it was', () => {
    expect(durations([])).toEqual({ needs: 0, medianHours: null, p90Hours: null });
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const n of [1, 2, 3, 9, 10, 11, 599, 600, 601, 1500, 5000]) {
      for (const distinct of [3, 1000]) {
        const hours = Array.from({ length: n }, () => Math.floor(next() * distinct) / 4);
        const copy = [...hours];
        const sorted = [...hours].sort((a, b) => a - b);
        expect(durations(hours)).toEqual({ needs: n, medianHours: percentile(sorted, 50), p90Hours: percentile(sorted, 90) });
        expect(hours).toEqual(copy);
      }
    }
  });

  it('counts a cohort: rates over published and matched, durations over matched and fulfilled needs, drafts left out', () => {
    const acc = new FiguresAccumulator();
    const at = (hours: number) => new Date(Date.UTC(2025, 0, 6, 1) + hours * 3_600_000).toISOString();
    const need = (firstAccepted: number | null, fully: number | null, fulfilled: number | null, team = 0, delivered = 0) => ({
      publishedAt: at(0), firstAcceptedAt: firstAccepted === null ? null : at(firstAccepted), fullyCommittedAt: fully === null ? null : at(fully),
      fulfilledAt: fulfilled === null ? null : at(fulfilled), teamCommitments: team, teamCommitmentsDelivered: delivered,
    });
    acc.add(need(24, 24, 168, 1, 1));
    acc.add(need(12, null, null));
    acc.add(need(48, 48, null, 1, 0));
    acc.add(need(null, null, null));
    acc.add({ ...need(null, null, null), publishedAt: null }); // a draft
    expect(acc.result()).toEqual({
      published: 4, matched: 3, fullyCommitted: 2, fulfilled: 1, matchRate: 0.75, conversionRate: 1 / 3,
      timeToFirstAcceptance: { needs: 3, medianHours: 24, p90Hours: 48 },
      timeToFulfilment: { needs: 1, medianHours: 168, p90Hours: 168 },
      teamCommitments: 2, teamCommitmentsDelivered: 1,
    });
    expect(new FiguresAccumulator().result()).toMatchObject({ published: 0, matchRate: null, conversionRate: null, timeToFirstAcceptance: { needs: 0, medianHours: null, p90Hours: null } });
  });
});
