import fc from 'fast-check';
import { better, harmonic, maxCoverage, slotsFor, solveGreedy, solveIlp, SuggestionProblem, SuggestionSolution, suggestTeam } from './team-suggestion';

/**
 * The optimum by enumeration, independent of the solvers: every way of giving each item to one
 * eligible organization or to none, within slots; the best lexicographically (most items covered,
 * fewest invitations, highest total score).
 */
function bruteForce(problem: SuggestionProblem): { covered: number; invitations: number; scoreSum: number } {
  const { items, candidates } = problem;
  let best = { covered: -1, invitations: Infinity, scoreSum: -Infinity };
  const choice: number[] = new Array(items.length).fill(-1);
  const visit = (i: number) => {
    if (i === items.length) {
      const load = new Map<number, number>();
      for (const c of choice) if (c >= 0) load.set(c, (load.get(c) ?? 0) + 1);
      for (const [c, n] of load) if (n > candidates[c].slots) return;
      const invited = [...load.keys()].filter((c) => !candidates[c].lead).length;
      if (problem.maxInvitations !== undefined && invited > problem.maxInvitations) return;
      const covered = choice.filter((c) => c >= 0).length;
      const scoreSum = choice.reduce((s, c, k) => (c >= 0 ? s + candidates[c].scores.get(items[k].key)! : s), 0);
      const candidate = { covered, invitations: invited, scoreSum };
      if (covered > best.covered || (covered === best.covered && (invited < best.invitations || (invited === best.invitations && scoreSum > best.scoreSum + 1e-9)))) best = candidate;
      return;
    }
    choice[i] = -1;
    visit(i + 1);
    candidates.forEach((c, index) => {
      if (!c.scores.has(items[i].key)) return;
      choice[i] = index;
      visit(i + 1);
    });
    choice[i] = -1;
  };
  visit(0);
  return best;
}

/** Small random problems: up to 6 items, up to 5 candidates (the first sometimes the lead), slots 1–3, scores in hundredths. */
const problems = fc
  .record({
    items: fc.integer({ min: 1, max: 6 }),
    candidates: fc.array(
      fc.record({ slots: fc.integer({ min: 1, max: 3 }), eligible: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), scores: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 6, maxLength: 6 }) }),
      { minLength: 1, maxLength: 5 },
    ),
    lead: fc.boolean(),
    maxInvitations: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  })
  .map(({ items, candidates, lead, maxInvitations }): SuggestionProblem => ({
    items: Array.from({ length: items }, (_, i) => ({ key: `n${i % 2}/L${i}` })),
    candidates: candidates.map((c, o) => ({
      organizationId: `org-${o}`,
      slots: c.slots,
      lead: lead && o === 0,
      scores: new Map(Array.from({ length: items }, (_, i) => i).filter((i) => c.eligible[i]).map((i) => [`n${i % 2}/L${i}`, c.scores[i] / 100])),
    })),
    maxInvitations,
  }));

const summary = (s: SuggestionSolution) => ({ covered: s.covered, invitations: s.invited.length });

/** The solution is feasible: each item once, to an eligible organization, within slots and the invitation limit. */
function expectFeasible(problem: SuggestionProblem, s: SuggestionSolution): void {
  const byId = new Map(problem.candidates.map((c) => [c.organizationId, c]));
  const load = new Map<string, number>();
  for (const [key, orgId] of s.assignment) {
    expect(byId.get(orgId)!.scores.has(key)).toBe(true);
    load.set(orgId, (load.get(orgId) ?? 0) + 1);
  }
  for (const [orgId, n] of load) expect(n).toBeLessThanOrEqual(byId.get(orgId)!.slots);
  if (problem.maxInvitations !== undefined) expect(s.invited.length).toBeLessThanOrEqual(problem.maxInvitations);
  expect(new Set(s.invited)).toEqual(new Set([...load.keys()].filter((id) => !byId.get(id)!.lead)));
}

describe('team suggestion', () => {
  it('the integer programme finds the optimum that enumeration finds (coverage, invitations, scores) on 300 small random cases', () => {
    fc.assert(
      fc.property(problems, (problem) => {
        const optimum = bruteForce(problem);
        const ilp = solveIlp(problem, 10_000)!;
        expect(ilp).toBeDefined();
        expectFeasible(problem, ilp);
        expect(ilp.optimal).toBe(true);
        expect(summary(ilp)).toEqual({ covered: optimum.covered, invitations: optimum.invitations });
        expect(ilp.scoreSum).toBeCloseTo(optimum.scoreSum, 6);
      }),
      { numRuns: 300, seed: 20260501 },
    );
  });

  it('the greedy covers as much as the optimum with at most H(max slots) times its invitations (Wolsey’s bound)', () => {
    let worst = 1;
    fc.assert(
      fc.property(problems, (unlimited) => {
        const problem = { ...unlimited, maxInvitations: undefined };
        const optimum = bruteForce(problem);
        const greedy = solveGreedy(problem);
        expectFeasible(problem, greedy);
        expect(greedy.covered).toBe(optimum.covered);
        const k = Math.max(...problem.candidates.map((c) => Math.min(c.slots, c.scores.size)), 1);
        expect(greedy.invited.length).toBeLessThanOrEqual(harmonic(k) * optimum.invitations + 1e-9);
        if (optimum.invitations > 0) worst = Math.max(worst, greedy.invited.length / optimum.invitations);
      }),
      { numRuns: 300, seed: 20260502 },
    );
    expect(worst).toBeLessThanOrEqual(harmonic(3));
  });

  it('with an invitation limit the greedy covers at least (1 − 1/e) of the optimum', () => {
    fc.assert(
      fc.property(problems, (problem) => {
        const optimum = bruteForce(problem);
        const greedy = solveGreedy(problem);
        expectFeasible(problem, greedy);
        expect(greedy.covered).toBeGreaterThanOrEqual((1 - 1 / Math.E) * optimum.covered - 1e-9);
      }),
      { numRuns: 200, seed: 20260503 },
    );
  });

  it('maximum coverage (b-matching) equals enumeration when every candidate is in', () => {
    fc.assert(
      fc.property(problems, (problem) => {
        const everyone = { ...problem, maxInvitations: undefined };
        expect(maxCoverage(everyone, everyone.candidates).size).toBe(bruteForce(everyone).covered);
      }),
      { numRuns: 200, seed: 20260504 },
    );
  });

  it('a worked case: three needs in three fields; one organization covers two fields, the lead one', () => {
    const items = ['edu/L1', 'edu/L2', 'health/L1', 'care/L1', 'care/L2'].map((key) => ({ key }));
    const scores = (keys: string[], s = 0.6) => new Map(keys.map((k) => [k, s]));
    const problem: SuggestionProblem = {
      items,
      candidates: [
        { organizationId: 'hub', lead: true, slots: 2, scores: scores(['care/L1', 'care/L2']) },
        { organizationId: 'edu-only', slots: 3, scores: scores(['edu/L1', 'edu/L2'], 0.9) },
        { organizationId: 'edu-health', slots: 3, scores: scores(['edu/L1', 'edu/L2', 'health/L1'], 0.5) },
        { organizationId: 'health-only', slots: 1, scores: scores(['health/L1'], 0.95) },
        { organizationId: 'busy-all', slots: 1, scores: scores(['edu/L1', 'edu/L2', 'health/L1', 'care/L1', 'care/L2'], 1) },
      ],
    };
    const s = suggestTeam(problem);
    expect(s.method).toBe('ilp');
    expect(s.optimal).toBe(true);
    expect(s.covered).toBe(5);
    // One invitation covers education and health; the hub takes care itself.
    expect(s.invited).toEqual(['edu-health']);
    expect(s.assignment.get('care/L1')).toBe('hub');
    // With no invitations allowed, only the hub's own field is covered.
    expect(suggestTeam({ ...problem, maxInvitations: 0 }).covered).toBe(2);
    expect(better(s, solveGreedy({ ...problem, maxInvitations: 0 }))).toBe(true);
  });

  it('slots: 3, plus one per two delivered, less open commitments, between 1 and 10', () => {
    expect(slotsFor(0, 0)).toBe(3);
    expect(slotsFor(0, 4)).toBe(5);
    expect(slotsFor(5, 0)).toBe(1);
    expect(slotsFor(0, 100)).toBe(10);
  });
});
