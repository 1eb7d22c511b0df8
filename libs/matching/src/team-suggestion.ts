import solver from 'javascript-lp-solver';

/**
 * 组团帮扶 team suggestion: which organizations a hub should invite, and which line items each
 * should take, to cover as many of the needs' lacking line items as possible with as few invited
 * organizations as possible (and, among equal answers, the best-scoring ones).
 *
 * The problem: line items I (each wholly given to one organization), candidate organizations O
 * (the hub itself among them, already in the team), eligible pairs E ⊆ O × I (the organization
 * serves the need's category), and slots(o) — how many line items o can take on now.
 *
 *   maximise   Σ_{(o,i)∈E} x_oi · (M + s_oi)  −  Σ_{o≠hub} C · y_o
 *   subject to Σ_o x_oi ≤ 1                       every line item goes to at most one organization
 *              Σ_i x_oi ≤ slots(o) · y_o          an organization takes items only if invited, at most slots(o)
 *              Σ_{o≠hub} y_o ≤ maxInvitations     (when given)
 *              x, y ∈ {0, 1}
 *
 * with s_oi ∈ [0, 1] the organization's score for the item's need / 100, C = |I| + 1 and
 * M = C · (|O| + 1): covering one more item is always worth more than any number of invitations,
 * and one invitation fewer is worth more than any gain in scores. It is solved as an integer
 * linear programme with javascript-lp-solver (branch and bound).
 *
 * The greedy alternative (used when the solver gives up within its time limit, and compared in
 * the tests): f(S) = the most items organizations S (with the hub) can take, a maximum b-matching,
 * is monotone and submodular, so adding each time the organization that raises f the most reaches
 * f(O) with at most H(max_o f({o})) · OPT invitations (Wolsey 1982; H(k) = 1 + 1/2 + … + 1/k, at
 * most H(10) ≈ 2.93 here since slots ≤ 10), and stopped after k invitations it covers at least
 * (1 − 1/e) of the best k invitations can (Nemhauser, Wolsey and Fisher 1978).
 */

export interface SuggestionItem {
  /** needId/lineItemId */
  key: string;
}

export interface SuggestionCandidate {
  organizationId: string;
  /** How many line items it may take. */
  slots: number;
  /** Item key → score in [0, 1] for each item it may take (it serves the item's need's category). */
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
  /** Sum of the scores of the assigned pairs. */
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

function summarise(problem: SuggestionProblem, assignment: Map<string, string>, method: SuggestionSolution['method'], optimal: boolean): SuggestionSolution {
  const used = new Set(assignment.values());
  const byId = new Map(problem.candidates.map((c) => [c.organizationId, c]));
  let scoreSum = 0;
  for (const [key, orgId] of assignment) scoreSum += byId.get(orgId)!.scores.get(key) ?? 0;
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
 * The most items organizations `chosen` can take together (a maximum bipartite b-matching by
 * augmenting paths), preferring for each item the best-scoring organization it can keep.
 */
export function maxCoverage(problem: SuggestionProblem, chosen: readonly SuggestionCandidate[]): Map<string, string> {
  const load = new Map<string, number>(chosen.map((c) => [c.organizationId, 0]));
  const holder = new Map<string, string>(); // item → org
  const eligibleFor = (key: string) => chosen.filter((c) => c.scores.has(key)).sort((a, b) => b.scores.get(key)! - a.scores.get(key)!);
  const itemsOf = (orgId: string) => [...holder].filter(([, o]) => o === orgId).map(([k]) => k);
  const augment = (key: string, seen: Set<string>): boolean => {
    for (const c of eligibleFor(key)) {
      if (seen.has(c.organizationId)) continue;
      seen.add(c.organizationId);
      if (load.get(c.organizationId)! < c.slots) {
        holder.set(key, c.organizationId);
        load.set(c.organizationId, load.get(c.organizationId)! + 1);
        return true;
      }
      // The organization is full: move one of its items elsewhere to make room.
      for (const other of itemsOf(c.organizationId)) {
        if (augment(other, seen)) {
          // `other` found a new holder (its load rose there); this organization takes `key` instead.
          holder.set(key, c.organizationId);
          return true;
        }
      }
    }
    return false;
  };
  for (const item of problem.items) augment(item.key, new Set());
  return holder;
}

/** Greedy: add the organization that lets the most further items be covered (ties: best score), until nothing more can be. */
export function solveGreedy(problem: SuggestionProblem): SuggestionSolution {
  const lead = problem.candidates.filter((c) => c.lead);
  let chosen = [...lead];
  let assignment = maxCoverage(problem, chosen);
  const target = maxCoverage(problem, problem.candidates).size;
  const limit = problem.maxInvitations ?? Infinity;
  let invitations = 0;
  while (assignment.size < target && invitations < limit) {
    let best: { candidate: SuggestionCandidate; assignment: Map<string, string>; score: number } | undefined;
    for (const candidate of problem.candidates) {
      if (chosen.includes(candidate)) continue;
      const next = maxCoverage(problem, [...chosen, candidate]);
      if (next.size <= assignment.size) continue;
      const score = summarise(problem, next, 'greedy', false).scoreSum;
      if (!best || next.size > best.assignment.size || (next.size === best.assignment.size && score > best.score)) best = { candidate, assignment: next, score };
    }
    if (!best) break;
    chosen = [...chosen, best.candidate];
    assignment = best.assignment;
    invitations++;
  }
  return summarise(problem, assignment, 'greedy', false);
}

/** The integer linear programme above, solved by javascript-lp-solver; undefined if it found no valid answer in time. */
export function solveIlp(problem: SuggestionProblem, timeoutMs = 2000): SuggestionSolution | undefined {
  const items = problem.items;
  const candidates = problem.candidates;
  const C = items.length + 1;
  const M = C * (candidates.length + 1);
  const constraints: Record<string, { max: number }> = {};
  const variables: Record<string, Record<string, number>> = {};
  const binaries: Record<string, 1> = {};
  const itemIndex = new Map(items.map((item, i) => [item.key, i]));
  items.forEach((_, i) => (constraints[`i${i}`] = { max: 1 }));
  if (problem.maxInvitations !== undefined) constraints.invitations = { max: problem.maxInvitations };
  candidates.forEach((c, o) => {
    constraints[`cap${o}`] = { max: c.lead ? c.slots : 0 };
    if (!c.lead) {
      variables[`y${o}`] = { value: -C, [`cap${o}`]: -c.slots, ...(problem.maxInvitations !== undefined ? { invitations: 1 } : {}) };
      binaries[`y${o}`] = 1;
    }
    for (const [key, score] of c.scores) {
      const i = itemIndex.get(key);
      if (i === undefined) continue;
      variables[`x${o}_${i}`] = { value: M + score, [`i${i}`]: 1, [`cap${o}`]: 1 };
      binaries[`x${o}_${i}`] = 1;
    }
  });
  if (Object.keys(variables).length === 0) return summarise(problem, new Map(), 'ilp', true);
  const started = Date.now();
  const result = solver.Solve({ optimize: 'value', opType: 'max', constraints, variables, binaries, options: { timeout: timeoutMs } }) as Record<string, number | boolean | undefined>;
  const finished = Date.now() - started < timeoutMs;
  if (!result.feasible) return undefined;
  const assignment = new Map<string, string>();
  const load = new Map<string, number>();
  for (const [name, value] of Object.entries(result)) {
    const m = /^x(\d+)_(\d+)$/.exec(name);
    if (!m || typeof value !== 'number' || value < 0.5) continue;
    const candidate = candidates[Number(m[1])];
    const key = items[Number(m[2])].key;
    if (assignment.has(key)) return undefined; // not a valid answer: an item given twice
    assignment.set(key, candidate.organizationId);
    load.set(candidate.organizationId, (load.get(candidate.organizationId) ?? 0) + 1);
  }
  for (const c of candidates) if ((load.get(c.organizationId) ?? 0) > c.slots) return undefined;
  return summarise(problem, assignment, 'ilp', finished && result.isIntegral !== false);
}

/** Lexicographic order of answers: more items covered, then fewer invitations, then higher scores. */
export const better = (a: SuggestionSolution, b: SuggestionSolution): boolean =>
  a.covered !== b.covered ? a.covered > b.covered : a.invited.length !== b.invited.length ? a.invited.length < b.invited.length : a.scoreSum > b.scoreSum + 1e-9;

/** The solver's answer, or the greedy's when the solver gave up or the greedy did better. */
export function suggestTeam(problem: SuggestionProblem, timeoutMs = 2000): SuggestionSolution {
  const ilp = solveIlp(problem, timeoutMs);
  if (ilp?.optimal) return ilp;
  const greedy = solveGreedy(problem);
  return ilp && !better(greedy, ilp) ? ilp : greedy;
}
