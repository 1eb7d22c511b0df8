import fc from 'fast-check';
import { better, greedyBound, harmonic, maxCoverage, slotsFor, solveGreedy, solveIlp, SuggestionProblem, SuggestionSolution, suggestTeam } from './team-suggestion';

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
      const scoreSum = choice.reduce((s, c, k) => (c >= 0 ? s + candidates[c].scores.get(items[k].group)! : s), 0);
      const candidate = { covered, invitations: invited, scoreSum };
      if (covered > best.covered || (covered === best.covered && (invited < best.invitations || (invited === best.invitations && scoreSum > best.scoreSum + 1e-9)))) best = candidate;
      return;
    }
    choice[i] = -1;
    visit(i + 1);
    candidates.forEach((c, index) => {
      if (!c.scores.has(items[i].group)) return;
      choice[i] = index;
      visit(i + 1);
    });
    choice[i] = -1;
  };
  visit(0);
  return best;
}

/**
 * Small random problems: up to 6 items in up to 3 groups (a group's items alike for everyone, as a
 * need's line items are), up to 5 candidates (the first sometimes the lead), slots 1–3, scores in
 * hundredths; sometimes every item its own group.
 */
const problems = fc
  .record({
    items: fc.integer({ min: 1, max: 6 }),
    groups: fc.integer({ min: 1, max: 3 }),
    singletons: fc.boolean(),
    candidates: fc.array(
      fc.record({ slots: fc.integer({ min: 1, max: 3 }), eligible: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), scores: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 6, maxLength: 6 }) }),
      { minLength: 1, maxLength: 5 },
    ),
    lead: fc.boolean(),
    maxInvitations: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  })
  .map(({ items, groups, singletons, candidates, lead, maxInvitations }): SuggestionProblem => {
    const groupOf = (i: number) => (singletons ? i : i % groups);
    const groupIds = [...new Set(Array.from({ length: items }, (_, i) => groupOf(i)))];
    return {
      items: Array.from({ length: items }, (_, i) => ({ key: `n${groupOf(i)}/L${i}`, group: `n${groupOf(i)}` })),
      candidates: candidates.map((c, o) => ({
        organizationId: `org-${o}`,
        slots: c.slots,
        lead: lead && o === 0,
        scores: new Map(groupIds.filter((g) => c.eligible[g]).map((g) => [`n${g}`, c.scores[g] / 100])),
      })),
      maxInvitations,
    };
  });

const summary = (s: SuggestionSolution) => ({ covered: s.covered, invitations: s.invited.length });

/** The solution is feasible: each item once, to an eligible organization, within slots and the invitation limit. */
function expectFeasible(problem: SuggestionProblem, s: SuggestionSolution): void {
  const byId = new Map(problem.candidates.map((c) => [c.organizationId, c]));
  const load = new Map<string, number>();
  for (const [key, orgId] of s.assignment) {
    expect(byId.get(orgId)!.scores.has(problem.items.find((i) => i.key === key)!.group)).toBe(true);
    load.set(orgId, (load.get(orgId) ?? 0) + 1);
  }
  for (const [orgId, n] of load) expect(n).toBeLessThanOrEqual(byId.get(orgId)!.slots);
  if (problem.maxInvitations !== undefined) expect(s.invited.length).toBeLessThanOrEqual(problem.maxInvitations);
  expect(new Set(s.invited)).toEqual(new Set([...load.keys()].filter((id) => !byId.get(id)!.lead)));
}

describe('team suggestion', () => {
  it('the integer programme (HiGHS) finds the optimum that enumeration finds — coverage, invitations and scores — on 300 small random cases', async () => {
    let scoresProved = 0;
    await fc.assert(
      fc.asyncProperty(problems, async (problem) => {
        const optimum = bruteForce(problem);
        const ilp = (await solveIlp(problem, 10))!;
        expect(ilp).toBeDefined();
        expectFeasible(problem, ilp);
        expect(ilp.optimal).toBe(true);
        expect(summary(ilp)).toEqual({ covered: optimum.covered, invitations: optimum.invitations });
        if (ilp.scoresOptimal) {
          scoresProved++;
          expect(ilp.scoreSum).toBeCloseTo(optimum.scoreSum, 6);
        }
      }),
      { numRuns: 300, seed: 20260501 },
    );
    expect(scoresProved).toBe(300);
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
        expect(greedy.invited.length).toBeLessThanOrEqual(greedyBound(problem).factor * optimum.invitations + 1e-9);
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
        const counts = maxCoverage(everyone, everyone.candidates);
        expect([...counts.values()].reduce((n, m) => n + [...m.values()].reduce((a, b) => a + b, 0), 0)).toBe(bruteForce(everyone).covered);
      }),
      { numRuns: 200, seed: 20260504 },
    );
  });

  it('a worked case: three needs in three fields; one organization covers two fields, the lead one', async () => {
    const items = [['edu', 'L1'], ['edu', 'L2'], ['health', 'L1'], ['care', 'L1'], ['care', 'L2']].map(([group, l]) => ({ key: `${group}/${l}`, group }));
    const scores = (groups: string[], s = 0.6) => new Map(groups.map((g) => [g, s]));
    const problem: SuggestionProblem = {
      items,
      candidates: [
        { organizationId: 'hub', lead: true, slots: 2, scores: scores(['care']) },
        { organizationId: 'edu-only', slots: 3, scores: scores(['edu'], 0.9) },
        { organizationId: 'edu-health', slots: 3, scores: scores(['edu', 'health'], 0.5) },
        { organizationId: 'health-only', slots: 1, scores: scores(['health'], 0.95) },
        { organizationId: 'busy-all', slots: 1, scores: scores(['edu', 'health', 'care'], 1) },
      ],
    };
    const s = await suggestTeam(problem);
    expect(s.method).toBe('ilp');
    expect(s.optimal).toBe(true);
    expect(s.covered).toBe(5);
    // One invitation covers education and health; the hub takes care itself.
    expect(s.invited).toEqual(['edu-health']);
    expect(s.assignment.get('care/L1')).toBe('hub');
    // With no invitations allowed, only the hub's own field is covered.
    expect((await suggestTeam({ ...problem, maxInvitations: 0 })).covered).toBe(2);
    expect(better(s, solveGreedy({ ...problem, maxInvitations: 0 }))).toBe(true);
  });

  it('answers at the route’s largest size (10 needs of 20 line items, 61 candidates) at least as well as the greedy', async () => {
    let seed = 3;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const items = Array.from({ length: 200 }, (_, i) => ({ key: `n${i % 10}/L${i}`, group: `n${i % 10}` }));
    const candidates = Array.from({ length: 61 }, (_, o) => {
      const fields = new Set([Math.floor(rnd() * 4), Math.floor(rnd() * 4)]);
      return { organizationId: `o${o}`, lead: o === 0, slots: 1 + Math.floor(rnd() * 10), scores: new Map(Array.from({ length: 10 }, (_, n) => n).filter((n) => fields.has(n % 4)).map((n) => [`n${n}`, rnd()])) };
    });
    const problem = { items, candidates };
    const s = await suggestTeam(problem, 2);
    const greedy = solveGreedy(problem);
    expect(s.covered).toBe(greedy.covered);
    expect(s.invited.length).toBeLessThanOrEqual(greedy.invited.length);
  });

  it('slots: 3, plus one per two delivered, less open commitments, between 1 and 10', () => {
    expect(slotsFor(0, 0)).toBe(3);
    expect(slotsFor(0, 4)).toBe(5);
    expect(slotsFor(5, 0)).toBe(1);
    expect(slotsFor(0, 100)).toBe(10);
  });
});
