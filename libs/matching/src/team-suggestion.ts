import highsLoader, { Highs } from 'highs';

/**
 * 组团帮扶 team suggestion: which organizations a hub should invite, and which line items each
 * should take, to cover as many of the needs' lacking line items as possible with as few invited
 * organizations as possible (and, among equal answers, the best-scoring ones).
 *
 * The problem: line items I (each wholly given to one organization) in groups G — the line items
 * of one need, alike for every organization (same category, same score) —, candidate
 * organizations O (the hub itself among them, already in the team), eligible pairs E ⊆ O × G (the
 * organization serves the need's category) with scores s_og ∈ [0, 1], and slots(o) — how many line
 * items o can take on now. z_og counts the items of group g that o takes:
 *
 *   lexicographically:  1. maximise Σ z_og (items covered)
 *                       2. minimise Σ_{o≠hub} y_o (invitations) keeping that coverage
 *                       3. maximise Σ s_og · z_og (scores) keeping both
 *   subject to Σ_o z_og ≤ |g|                     a group's items go to one organization each
 *              Σ_g z_og ≤ slots(o) · y_o          an organization takes items only if invited, at most slots(o)
 *              z_og ≤ min(|g|, slots(o)) · y_o    the same, pair by pair (a tighter relaxation)
 *              Σ_{o≠hub} y_o ≤ maxInvitations     (when given)
 *              z ∈ ℕ, y ∈ {0, 1}
 *
 * Each step is an integer linear programme solved with HiGHS (the `highs` package, WebAssembly;
 * step 1 without an invitation limit is a maximum flow), within a time limit per step. A solve
 * blocks the event loop for its duration (tens to hundreds of milliseconds at the route's sizes).
 *
 * The greedy alternative (taken when the solver does not prove its answer in time and the greedy
 * does better, and compared in the tests): f(S) = the most items organizations S (with the hub)
 * can take, a maximum flow, is monotone and submodular, so adding each time the organization that
 * raises f the most reaches f(O) with at most H(max_o f({o})) · OPT invitations (Wolsey 1982;
 * H(k) = 1 + 1/2 + … + 1/k, at most H(10) ≈ 2.93 here since slots ≤ 10), and stopped after k
 * invitations it covers at least (1 − 1/e) of the best k invitations can (Nemhauser, Wolsey and
 * Fisher 1978).
 */

export interface SuggestionItem {
  /** needId/lineItemId */
  key: string;
  /** The items of one group (one need) are interchangeable: candidates score them alike. */
  group: string;
}

export interface SuggestionCandidate {
  organizationId: string;
  /** How many line items it may take. */
  slots: number;
  /** Group → score in [0, 1], for each group it may take items of (it serves the need's category). */
  scores: Map<string, number>;
  /** The hub forming the team: already in it, so never counted as an invitation. */
  lead?: boolean;
}

export interface SuggestionProblem {
  items: SuggestionItem[];
  candidates: SuggestionCandidate[];
  maxInvitations?: number;
}

export interface SuggestionSolution {
  /** Item key → organization id. */
  assignment: Map<string, string>;
  /** Invited organizations (the lead excluded), in the order of the candidates. */
  invited: string[];
  covered: number;
  /** Sum of the scores of the assigned items. */
  scoreSum: number;
  method: 'ilp' | 'greedy';
  /** Whether the answer is known to be optimal (the solver finished), lexicographically: coverage, then invitations, then scores. */
  optimal: boolean;
}

/** slots(o) = 3, plus one per two commitments delivered, less its open commitments, kept between 1 and 10. */
export const slotsFor = (open: number, delivered: number): number => Math.min(10, Math.max(1, 3 + Math.floor(delivered / 2) - open));

/** H(k) = 1 + 1/2 + … + 1/k: the greedy's bound on invitations relative to the optimum. */
export const harmonic = (k: number): number => {
  let h = 0;
  for (let i = 1; i <= k; i++) h += 1 / i;
  return h;
};

/** k = max_o f({o}), the most items one organization can take alone: the greedy invites at most H(k) × the optimum. */
export function greedyBound(problem: SuggestionProblem): { k: number; factor: number } {
  const sizes = new Map([...groupsOf(problem)].map(([g, keys]) => [g, keys.length]));
  const k = Math.max(1, ...problem.candidates.map((c) => Math.min(c.slots, [...c.scores.keys()].reduce((n, g) => n + (sizes.get(g) ?? 0), 0))));
  return { k, factor: harmonic(k) };
}

/** The groups, each with its items in order. */
function groupsOf(problem: SuggestionProblem): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const item of problem.items) (groups.get(item.group) ?? groups.set(item.group, []).get(item.group)!).push(item.key);
  return groups;
}

/** Turns counts per organization and group into an assignment of the groups' items, in order. */
function assign(problem: SuggestionProblem, counts: Map<string, Map<string, number>>, method: SuggestionSolution['method'], optimal: boolean): SuggestionSolution {
  const groups = groupsOf(problem);
  const next = new Map<string, number>();
  const assignment = new Map<string, string>();
  let scoreSum = 0;
  for (const candidate of problem.candidates) {
    for (const [group, count] of counts.get(candidate.organizationId) ?? []) {
      const keys = groups.get(group) ?? [];
      const from = next.get(group) ?? 0;
      for (const key of keys.slice(from, from + count)) assignment.set(key, candidate.organizationId);
      next.set(group, from + count);
      scoreSum += Math.min(count, Math.max(0, keys.length - from)) * (candidate.scores.get(group) ?? 0);
    }
  }
  const used = new Set(assignment.values());
  return {
    assignment,
    invited: problem.candidates.filter((c) => !c.lead && used.has(c.organizationId)).map((c) => c.organizationId),
    covered: assignment.size,
    scoreSum,
    method,
    optimal,
  };
}

/**
 * The most items organizations `chosen` can take together: a maximum flow from groups (their
 * sizes) through eligible pairs to organizations (their slots), by augmenting paths; returns the
 * counts per organization and group.
 */
export function maxCoverage(problem: SuggestionProblem, chosen: readonly SuggestionCandidate[]): Map<string, Map<string, number>> {
  const supply = new Map([...groupsOf(problem)].map(([g, keys]) => [g, keys.length]));
  const load = new Map(chosen.map((c) => [c.organizationId, 0]));
  const flow = new Map(chosen.map((c) => [c.organizationId, new Map<string, number>()]));
  // Try the best-scoring organizations first, so that among equal coverage the scores are good.
  const eligible = new Map([...supply.keys()].map((g) => [g, chosen.filter((c) => c.scores.has(g)).sort((a, b) => b.scores.get(g)! - a.scores.get(g)!)]));
  const add = (orgId: string, group: string, amount: number) => {
    const f = flow.get(orgId)!;
    f.set(group, (f.get(group) ?? 0) + amount);
    if (f.get(group) === 0) f.delete(group);
  };
  /** One more item from `group` reaches an organization with room, moving others along the way. */
  const augment = (group: string, seenGroups: Set<string>, seenOrgs: Set<string>): boolean => {
    seenGroups.add(group);
    for (const c of eligible.get(group)!) {
      if (seenOrgs.has(c.organizationId)) continue;
      seenOrgs.add(c.organizationId);
      if (load.get(c.organizationId)! < c.slots) {
        add(c.organizationId, group, 1);
        load.set(c.organizationId, load.get(c.organizationId)! + 1);
        return true;
      }
      // Full: move one of its items of another group elsewhere, and take one of `group` instead.
      for (const [other, amount] of flow.get(c.organizationId)!) {
        if (amount <= 0 || seenGroups.has(other)) continue;
        if (augment(other, seenGroups, seenOrgs)) {
          add(c.organizationId, other, -1);
          add(c.organizationId, group, 1);
          return true;
        }
      }
    }
    return false;
  };
  for (const [group, count] of supply) {
    for (let i = 0; i < count; i++) if (!augment(group, new Set(), new Set())) break;
  }
  return flow;
}

const coveredBy = (counts: Map<string, Map<string, number>>) => [...counts.values()].reduce((n, m) => n + [...m.values()].reduce((a, b) => a + b, 0), 0);

/** Greedy: add the organization that lets the most further items be covered (ties: best score), until nothing more can be. */
export function solveGreedy(problem: SuggestionProblem): SuggestionSolution {
  let chosen = problem.candidates.filter((c) => c.lead);
  let counts = maxCoverage(problem, chosen);
  const target = coveredBy(maxCoverage(problem, problem.candidates));
  const limit = problem.maxInvitations ?? Infinity;
  let invitations = 0;
  while (coveredBy(counts) < target && invitations < limit) {
    let best: { candidate: SuggestionCandidate; counts: Map<string, Map<string, number>>; covered: number; score: number } | undefined;
    for (const candidate of problem.candidates) {
      if (chosen.includes(candidate)) continue;
      const next = maxCoverage(problem, [...chosen, candidate]);
      const covered = coveredBy(next);
      if (covered <= coveredBy(counts)) continue;
      const score = assign(problem, next, 'greedy', false).scoreSum;
      if (!best || covered > best.covered || (covered === best.covered && score > best.score)) best = { candidate, counts: next, covered, score };
    }
    if (!best) break;
    chosen = [...chosen, best.candidate];
    counts = best.counts;
    invitations++;
  }
  return assign(problem, counts, 'greedy', false);
}

let loading: Promise<Highs> | undefined;
/** The HiGHS solver (WebAssembly), loaded once; each solve runs on a fresh native instance. */
const highs = (): Promise<Highs> => (loading ??= highsLoader());

type Term = [coefficient: number, variable: string];
const sum = (terms: Term[]) => (terms.length ? terms.map(([c, v]) => `${c < 0 ? '-' : '+'} ${Math.abs(c)} ${v}`).join(' ') : '0 dummy');

/**
 * The integer linear programme above, solved lexicographically with HiGHS (each step within
 * `timeLimitSeconds`): (1) the most items that can be covered — a maximum flow without an
 * invitation limit, a programme with one; (2) the fewest invitations covering that many; (3) the
 * best scores covering that many with that many invitations. Undefined when a step finds no answer
 * in time. `optimal` when steps 1 and 2 were proved optimal (and `scoresOptimal` when step 3 was).
 */
export async function solveIlp(problem: SuggestionProblem, timeLimitSeconds = 2): Promise<(SuggestionSolution & { scoresOptimal: boolean }) | undefined> {
  const groups = groupsOf(problem);
  const groupIds = [...groups.keys()];
  const candidates = problem.candidates;
  const z: Array<{ name: string; o: number; group: string; score: number; upper: number }> = [];
  candidates.forEach((c, o) => {
    groupIds.forEach((group, i) => {
      const score = c.scores.get(group);
      if (score !== undefined) z.push({ name: `z${o}_${i}`, o, group, score, upper: Math.min(groups.get(group)!.length, c.slots) });
    });
  });
  if (z.length === 0) return { ...assign(problem, new Map(), 'ilp', true), scoresOptimal: true };
  const invitable = candidates.map((c, o) => (c.lead ? undefined : `y${o}`)).filter((y): y is string => y !== undefined && z.some((v) => `y${v.o}` === y));
  const rows: string[] = [];
  groupIds.forEach((group, i) => {
    const terms = z.filter((v) => v.group === group).map((v): Term => [1, v.name]);
    if (terms.length) rows.push(`g${i}: ${sum(terms)} <= ${groups.get(group)!.length}`);
  });
  candidates.forEach((c, o) => {
    const terms = z.filter((v) => v.o === o).map((v): Term => [1, v.name]);
    if (!terms.length) return;
    if (c.lead) rows.push(`c${o}: ${sum(terms)} <= ${c.slots}`);
    else {
      rows.push(`c${o}: ${sum([...terms, [-c.slots, `y${o}`]])} <= 0`);
      // The same link pair by pair (z_og ≤ min(|g|, slots) · y_o): a tighter relaxation, so less branching.
      for (const v of z.filter((w) => w.o === o)) rows.push(`l${v.name}: ${sum([[1, v.name], [-v.upper, `y${o}`]])} <= 0`);
    }
  });
  const invitations = (max: number) => (invitable.length ? [`inv: ${sum(invitable.map((y): Term => [1, y]))} <= ${max}`] : []);
  const cover = (min: number) => [`cover: ${sum(z.map((v): Term => [1, v.name]))} >= ${min}`];
  const model = (sense: 'Maximize' | 'Minimize', objective: Term[], extra: string[]) =>
    [
      sense,
      ` obj: ${sum(objective)}`,
      'Subject To',
      ...[...rows, ...extra].map((r) => ` ${r}`),
      'Bounds',
      ...z.map((v) => ` 0 <= ${v.name} <= ${v.upper}`),
      ...(objective.length ? [] : [' dummy = 0']),
      'General',
      ` ${z.map((v) => v.name).join(' ')}`,
      ...(invitable.length ? ['Binary', ` ${invitable.join(' ')}`] : []),
      'End',
      '',
    ].join('\n');
  const solver = await highs();
  const run = (text: string) => {
    const result = solver.solve(text, { time_limit: timeLimitSeconds, mip_rel_gap: 0, output_flag: false });
    const values = new Map(Object.entries(result.Columns ?? {}).map(([name, column]) => [name, Math.round((column as { Primal?: number }).Primal ?? 0)]));
    return { optimal: result.Status === 'Optimal', solved: result.Status === 'Optimal' || (result.Status === 'Time limit reached' && values.size > 0), values };
  };
  // 1. The most items that can be covered.
  let target: number;
  let provedCoverage = true;
  if (problem.maxInvitations === undefined) target = coveredBy(maxCoverage(problem, candidates));
  else {
    const step = run(model('Maximize', z.map((v): Term => [1, v.name]), invitations(problem.maxInvitations)));
    if (!step.solved) return undefined;
    target = z.reduce((n, v) => n + (step.values.get(v.name) ?? 0), 0);
    provedCoverage = step.optimal;
  }
  // 2. The fewest invitations that cover as many.
  let fewest = 0;
  let provedInvitations = true;
  if (invitable.length) {
    const step = run(model('Minimize', invitable.map((y): Term => [1, y]), [...cover(target), ...invitations(problem.maxInvitations ?? invitable.length)]));
    if (!step.solved) return undefined;
    fewest = invitable.reduce((n, y) => n + (step.values.get(y) ?? 0), 0);
    provedInvitations = step.optimal;
  }
  // 3. The best scores with as many items and as few invitations (scores in millionths).
  const step = run(model('Maximize', z.map((v): Term => [Math.round(v.score * 1e6), v.name]), [...cover(target), ...invitations(fewest)]));
  if (!step.solved) return undefined;
  const counts = new Map<string, Map<string, number>>();
  for (const v of z) {
    const count = step.values.get(v.name) ?? 0;
    if (count <= 0) continue;
    const orgId = candidates[v.o].organizationId;
    (counts.get(orgId) ?? counts.set(orgId, new Map()).get(orgId)!).set(v.group, count);
  }
  const solution = assign(problem, counts, 'ilp', provedCoverage && provedInvitations);
  // Check the answer against the rules before trusting it.
  const load = new Map<string, number>();
  for (const orgId of solution.assignment.values()) load.set(orgId, (load.get(orgId) ?? 0) + 1);
  if (candidates.some((c) => (load.get(c.organizationId) ?? 0) > c.slots || (load.has(c.organizationId) && !c.lead && step.values.get(`y${candidates.indexOf(c)}`) !== 1))) return undefined;
  if (solution.covered < target || (problem.maxInvitations !== undefined && solution.invited.length > problem.maxInvitations)) return undefined;
  return { ...solution, scoresOptimal: step.optimal };
}

/** Lexicographic order of answers: more items covered, then fewer invitations, then higher scores. */
export const better = (a: SuggestionSolution, b: SuggestionSolution): boolean =>
  a.covered !== b.covered ? a.covered > b.covered : a.invited.length !== b.invited.length ? a.invited.length < b.invited.length : a.scoreSum > b.scoreSum + 1e-9;

/** The solver's answer, or the greedy's when the solver did not prove its answer in time (or gave none) and the greedy did better. */
export async function suggestTeam(problem: SuggestionProblem, timeLimitSeconds = 2): Promise<SuggestionSolution> {
  const ilp = await solveIlp(problem, timeLimitSeconds);
  if (ilp?.optimal) return ilp;
  const greedy = solveGreedy(problem);
  return ilp && !better(greedy, ilp) ? ilp : greedy;
}
