import { CATEGORIES, CATEGORY_LABELS, Category } from '@shecun/categories';
import counterpartData from '../data/counterpart-cities.json';

/**
 * How well an organization fits a published need: six factors, each worth at most the points in
 * WEIGHTS (they add up to 100). Organizations that are not in normal standing are never ranked.
 *
 *   score(org, need) = category + proximity + pairing + capacity + reliability + team
 *
 *   category     30  the need's category is one of the organization's service fields; 10 when only a related field is
 *   proximity    20  home division vs the need's village: same town 20 > county 15 > city 10 > counterpart city 8 > province 2
 *   pairing      15  an active 结对 pairing with the village 15, with its town 10
 *   capacity     10  10 · (1 + delivered) / (1 + delivered + open)            open = offered or accepted, not yet delivered
 *   reliability  15  15 · (onTime + late/2 + 1) / (onTime + late + withdrawn + overdue + 2)
 *   team         10  hubs only: an active team it leads for an area holding the village, in the need's category 10
 *                    (7 while no member has joined it yet); otherwise 5 while it leads fewer than 3 active teams; 0 else
 *
 * Fairness lifts needs, never organizations: villages whose needs have waited longest, or that have
 * no active pairing, rise when needs are ranked for an organization (and for pushes):
 *
 *   fairness(need) = 15 · min(1, waitingDays / 60) + 10 · [no active pairing with the village or its town]
 *   priority(org, need) = score(org, need) + fairness(need)
 */
export const WEIGHTS = { category: 30, proximity: 20, pairing: 15, capacity: 10, reliability: 15, team: 10 } as const;
export const FAIRNESS = { waiting: 15, waitingFullAfterDays: 60, unpaired: 10 } as const;
export const PROXIMITY_POINTS = { town: 20, county: 15, city: 10, counterpart: 8, province: 2 } as const;
export const RELATED_CATEGORY_POINTS = 10;
export const TOWN_PAIRING_POINTS = 10;
export const TEAM_POINTS = { ready: 10, readyWithoutMembers: 7, canForm: 5, maxActiveTeams: 3 } as const;

export type Factor = keyof typeof WEIGHTS;
export const FACTORS = Object.keys(WEIGHTS) as Factor[];

/** Fields close enough that an organization of one can often help with a need of the other. */
export const RELATED_CATEGORIES: Record<Category, Category[]> = {
  industry: ['consumption', 'employment'],
  employment: ['industry', 'education'],
  consumption: ['industry'],
  health: ['care'],
  education: ['employment', 'care'],
  volunteer: ['care', 'greening'],
  greening: ['volunteer'],
  care: ['health', 'volunteer'],
};

export const categoryBit = (category: Category): number => 1 << CATEGORIES.indexOf(category);
export const categoryMask = (categories: readonly string[]): number =>
  categories.reduce((mask, c) => ((CATEGORIES as readonly string[]).includes(c) ? mask | categoryBit(c as Category) : mask), 0);
export const categoriesOf = (mask: number): Category[] => CATEGORIES.filter((c) => (mask & categoryBit(c)) !== 0);
const RELATED_MASK = Object.fromEntries(CATEGORIES.map((c) => [c, categoryMask(RELATED_CATEGORIES[c])])) as Record<Category, number>;
export const relatedMask = (category: Category): number => RELATED_MASK[category];

// ---------------------------------------------------------------------------------------------
// Counterpart cities (对口帮扶), from libs/matching/data/counterpart-cities.json
// ---------------------------------------------------------------------------------------------

interface CounterpartPair {
  from: string;
  to: string;
  verified: boolean;
}

/** City code → its counterpart city codes, both directions, from the pairs marked verified. */
export const COUNTERPART_CITIES: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const map = new Map<string, Set<string>>();
  const link = (a: string, b: string) => (map.get(a) ?? map.set(a, new Set()).get(a)!).add(b);
  for (const pair of counterpartData.pairs as CounterpartPair[]) {
    if (!pair.verified) continue;
    link(pair.from, pair.to);
    link(pair.to, pair.from);
  }
  return map;
})();

export const areCounterparts = (cityA: string, cityB: string): boolean => COUNTERPART_CITIES.get(cityA)?.has(cityB) ?? false;

// ---------------------------------------------------------------------------------------------
// Factors, each a pure function of its inputs
// ---------------------------------------------------------------------------------------------

export interface FactorResult {
  points: number;
  max: number;
  /** Why, in Chinese and English. */
  reason: string;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function categoryFactor(serviceFields: number, category: Category): FactorResult {
  const label = `${CATEGORY_LABELS[category]} (${category})`;
  if (serviceFields & categoryBit(category)) return { points: WEIGHTS.category, max: WEIGHTS.category, reason: `服务领域含${label} (serves ${category})` };
  const related = categoriesOf(serviceFields & relatedMask(category));
  if (related.length) {
    return { points: RELATED_CATEGORY_POINTS, max: WEIGHTS.category, reason: `服务领域与${label}相近: ${related.join(', ')} (related field: ${related.join(', ')})` };
  }
  return { points: 0, max: WEIGHTS.category, reason: `服务领域不含${label} (does not serve ${category})` };
}

export type ProximityLevel = keyof typeof PROXIMITY_POINTS;

/**
 * Where the organization is registered (its home division, 2–12 digits) against the village of
 * the need (12 digits): the closest shared level of the division hierarchy, or a counterpart city.
 */
export function proximityLevel(homeDivisionCode: string, villageCode: string): ProximityLevel {
  if (homeDivisionCode.length >= 9 && homeDivisionCode.slice(0, 9) === villageCode.slice(0, 9)) return 'town';
  if (homeDivisionCode.length >= 6 && homeDivisionCode.slice(0, 6) === villageCode.slice(0, 6)) return 'county';
  if (homeDivisionCode.length >= 4 && homeDivisionCode.slice(0, 4) === villageCode.slice(0, 4)) return 'city';
  if (homeDivisionCode.length >= 4 && areCounterparts(homeDivisionCode.slice(0, 4), villageCode.slice(0, 4))) return 'counterpart';
  return 'province';
}

const PROXIMITY_REASONS: Record<ProximityLevel, string> = {
  town: '同镇 (same town)',
  county: '同县区 (same county)',
  city: '同市 (same city)',
  counterpart: '对口帮扶城市 (counterpart city)',
  province: '省内 (elsewhere in the province)',
};

export function proximityFactor(homeDivisionCode: string, villageCode: string): FactorResult & { level: ProximityLevel } {
  const level = proximityLevel(homeDivisionCode, villageCode);
  return { level, points: PROXIMITY_POINTS[level], max: WEIGHTS.proximity, reason: `${PROXIMITY_REASONS[level]}: ${homeDivisionCode} → ${villageCode}` };
}

export type PairingLevel = 'village' | 'town' | 'none';

export function pairingFactor(level: PairingLevel): FactorResult {
  if (level === 'village') return { points: WEIGHTS.pairing, max: WEIGHTS.pairing, reason: '与该村结对帮扶中 (active pairing with the village)' };
  if (level === 'town') return { points: TOWN_PAIRING_POINTS, max: WEIGHTS.pairing, reason: '与该村所在镇结对帮扶中 (active pairing with the village’s town)' };
  return { points: 0, max: WEIGHTS.pairing, reason: '未与该村或所在镇结对 (no active pairing with the village or its town)' };
}

export function capacityFactor(open: number, delivered: number): FactorResult {
  const points = round2((WEIGHTS.capacity * (1 + delivered)) / (1 + delivered + open));
  return { points, max: WEIGHTS.capacity, reason: `在办接单 ${open}，已交付 ${delivered} (${open} open commitments, ${delivered} delivered)` };
}

export interface DeliveryHistory {
  /** Delivered in full and confirmed, the last delivery recorded by the promised date. */
  onTime: number;
  /** Delivered in full and confirmed, but recorded after the promised date. */
  late: number;
  /** Withdrawn after the coordinator had accepted them. */
  withdrawn: number;
  /** Accepted, past the promised date, not yet delivered in full. */
  overdue: number;
}

export function reliabilityFactor(h: DeliveryHistory): FactorResult {
  const points = round2((WEIGHTS.reliability * (h.onTime + h.late / 2 + 1)) / (h.onTime + h.late + h.withdrawn + h.overdue + 2));
  return {
    points,
    max: WEIGHTS.reliability,
    reason: `按期交付 ${h.onTime}，逾期交付 ${h.late}，撤回 ${h.withdrawn}，逾期未交付 ${h.overdue} (on time ${h.onTime}, late ${h.late}, withdrawn ${h.withdrawn}, overdue ${h.overdue})`,
  };
}

/** An active team led by a hub: where it works, in which fields, and how many members joined. */
export interface LedTeam {
  teamId: string;
  targetCode: string;
  categories: number;
  /** Members who joined, the lead not counted. */
  members: number;
}

export function teamFactor(isHub: boolean, activeTeams: readonly LedTeam[], villageCode: string, category: Category): FactorResult & { teamId?: string } {
  const max = WEIGHTS.team;
  if (!isHub) return { points: 0, max, reason: '非枢纽型组织 (not a hub; leads no teams)' };
  const bit = categoryBit(category);
  const ready = activeTeams.filter((t) => villageCode.startsWith(t.targetCode) && (t.categories & bit) !== 0).sort((a, b) => b.members - a.members)[0];
  if (ready && ready.members > 0) return { points: TEAM_POINTS.ready, max, teamId: ready.teamId, reason: `牵头的组团 ${ready.teamId} 覆盖该村，成员 ${ready.members} 家 (leads team ${ready.teamId} for this area and field, ${ready.members} members)` };
  if (ready) return { points: TEAM_POINTS.readyWithoutMembers, max, teamId: ready.teamId, reason: `牵头的组团 ${ready.teamId} 覆盖该村，尚无成员加入 (leads team ${ready.teamId} for this area and field, no member yet)` };
  if (activeTeams.length < TEAM_POINTS.maxActiveTeams) return { points: TEAM_POINTS.canForm, max, reason: `牵头组团 ${activeTeams.length} 个，可再组团 (leads ${activeTeams.length} active teams; can form another)` };
  return { points: 0, max, reason: `已牵头 ${activeTeams.length} 个组团 (already leads ${activeTeams.length} active teams)` };
}

// ---------------------------------------------------------------------------------------------
// The score, and fairness
// ---------------------------------------------------------------------------------------------

/** What scoring needs to know of an organization (from the matching read model). */
export interface OrganizationFacts {
  homeDivisionCode: string;
  /** Service fields as a bit mask (categoryMask). */
  categories: number;
  isHub: boolean;
  open: number;
  history: Omit<DeliveryHistory, 'overdue'> & { overdue: number };
  activeTeams: readonly LedTeam[];
  /** Its active pairing with the need's village, or with the village's town. */
  pairing: PairingLevel;
}

export interface NeedFacts {
  villageCode: string;
  category: Category;
}

export interface Score {
  score: number;
  factors: Record<Factor, FactorResult>;
}

/** score(org, need): the six factors and their sum (rounded to hundredths). */
export function scoreMatch(org: OrganizationFacts, need: NeedFacts): Score {
  const factors: Record<Factor, FactorResult> = {
    category: categoryFactor(org.categories, need.category),
    proximity: proximityFactor(org.homeDivisionCode, need.villageCode),
    pairing: pairingFactor(org.pairing),
    capacity: capacityFactor(org.open, org.history.onTime + org.history.late),
    reliability: reliabilityFactor(org.history),
    team: teamFactor(org.isHub, org.activeTeams, need.villageCode, need.category),
  };
  return { score: round2(FACTORS.reduce((sum, f) => sum + factors[f].points, 0)), factors };
}

export interface Fairness {
  waitingDays: number;
  villagePaired: boolean;
  waiting: number;
  unpaired: number;
  total: number;
  reason: string;
}

const DAY_MS = 86_400_000;

/** fairness(need) = 15 · min(1, waitingDays / 60) + 10 · [no active pairing with the village or its town]. */
export function fairness(publishedAt: string | null, villagePaired: boolean, now: number): Fairness {
  const waitingDays = publishedAt ? Math.max(0, (now - Date.parse(publishedAt)) / DAY_MS) : 0;
  const waiting = round2(FAIRNESS.waiting * Math.min(1, waitingDays / FAIRNESS.waitingFullAfterDays));
  const unpaired = villagePaired ? 0 : FAIRNESS.unpaired;
  const days = Math.floor(waitingDays);
  return {
    waitingDays: round2(waitingDays),
    villagePaired,
    waiting,
    unpaired,
    total: round2(waiting + unpaired),
    reason: `已等待 ${days} 天${villagePaired ? '' : '，该村尚无结对帮扶'} (waiting ${days} days${villagePaired ? '' : '; the village has no active pairing'})`,
  };
}
