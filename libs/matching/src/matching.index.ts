import { chinaDate } from '@shecun/core';
import { CATEGORIES, Category } from '@shecun/needs';
import { MatchingNeedRow, MatchingOrganizationRow, MatchingPairingRow, MatchingTeamRow, OpenCommitment } from './matching.projection';
import {
  capacityFactor,
  categoryBit,
  COUNTERPART_CITIES,
  fairness,
  Fairness,
  FAIRNESS,
  LedTeam,
  OrganizationFacts,
  PairingLevel,
  PROXIMITY_POINTS,
  RELATED_CATEGORY_POINTS,
  relatedMask,
  reliabilityFactor,
  Score,
  scoreMatch,
  teamFactor,
  TEAM_POINTS,
  TOWN_PAIRING_POINTS,
  WEIGHTS,
} from './scoring';

/**
 * The matching read model held in memory for ranking: the rows of the matching tables, kept
 * fresh by the service from the rows changed since the last look, with the hot fields of every
 * organization and need in typed arrays so that one ranking scans 72,019 organizations (or every
 * open need) in a few milliseconds. Scores come from the same factor functions as scoring.ts:
 * the scan adds up the points, and the top entries are scored again with their reasons.
 */

export interface LackingItem {
  id: string;
  kind: string;
  description: string;
  unit: string;
  quantity: number;
  lacking: number;
}

export interface OrganizationEntry {
  id: string;
  name: string;
  homeDivisionCode: string;
  hubKind: string | null;
  categories: number;
  standing: string;
  open: OpenCommitment[];
  onTime: number;
  late: number;
  withdrawn: number;
}

export interface NeedEntry {
  id: string;
  title: string;
  villageCode: string;
  category: Category;
  status: string;
  open: boolean;
  publishedAt: string | null;
  /** Line items that still lack something (read from the row's JSON when first asked for). */
  readonly lacking: LackingItem[];
}

/** A need as held in memory: the line items stay JSON until an answer shows them. */
class NeedRecord implements NeedEntry {
  private parsed?: LackingItem[];
  constructor(
    readonly id: string,
    readonly title: string,
    readonly villageCode: string,
    readonly category: Category,
    readonly status: string,
    readonly open: boolean,
    readonly publishedAt: string | null,
    private readonly lackingJson: string,
  ) {}
  get lacking(): LackingItem[] {
    return (this.parsed ??= JSON.parse(this.lackingJson) as LackingItem[]);
  }
}

const NO_OPEN_COMMITMENTS: OpenCommitment[] = [];

interface TeamEntry extends LedTeam {
  leadOrganizationId: string;
  active: boolean;
}

interface PairingEntry {
  organizationId: string;
  targetCode: string;
  active: boolean;
}

export interface RankedOrganization extends Score {
  organization: OrganizationEntry;
}

export interface RankedNeed extends Score {
  need: NeedEntry;
  fairness: Fairness;
  /** score + fairness.total: what needs are ranked by. */
  priority: number;
}

const NOT_RANKED = -1;
/** Each category's bit, by bit number, and the category of each bit. */
const CATEGORY_BITS = CATEGORIES.map(categoryBit);
const CATEGORY_OF_BIT = new Map(CATEGORIES.map((c) => [categoryBit(c), c]));
const today = (now: number) => chinaDate(now);
const codeNumber = (code: string, length: number) => (code.length >= length ? Number(code.slice(0, length)) : -1);
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Keeps the k best by value; ties keep the earlier index (stable). */
class TopK {
  readonly items: Array<{ index: number; value: number }> = [];
  constructor(private readonly k: number) {}
  get threshold(): number {
    return this.items.length < this.k ? -Infinity : this.items[this.items.length - 1].value;
  }
  offer(index: number, value: number): void {
    if (this.k <= 0 || value <= this.threshold) return;
    let i = this.items.length;
    while (i > 0 && this.items[i - 1].value < value) i--;
    this.items.splice(i, 0, { index, value });
    if (this.items.length > this.k) this.items.pop();
  }
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(array: T, size: number): T {
  if (size <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2, 1024));
  bigger.set(array);
  return bigger;
}

export class MatchingIndex {
  // Organizations: entries by slot, hot fields in typed arrays by the same slot.
  private readonly orgs: OrganizationEntry[] = [];
  private readonly orgSlot = new Map<string, number>();
  private orgCategories = new Int32Array(0);
  private orgCity = new Int32Array(0);
  private orgCounty = new Int32Array(0);
  private orgTown = new Int32Array(0);
  private orgHub = new Uint8Array(0);
  /** capacity + reliability points (they depend on the organization alone), or NOT_RANKED. */
  private orgBase = new Float64Array(0);
  private baseDay = '';

  // Needs.
  private readonly needs: NeedEntry[] = [];
  private readonly needSlot = new Map<string, number>();
  private needCategory = new Int32Array(0);
  private needCity = new Int32Array(0);
  private needCounty = new Int32Array(0);
  private needTown = new Int32Array(0);
  private needOpen = new Uint8Array(0);
  private needPublished = new Float64Array(0);
  private needUnpaired = new Uint8Array(0);
  private pairingsChanged = false;

  // Pairings and teams.
  private readonly pairings = new Map<string, PairingEntry>();
  /** Target code (town or village) → organization ids with an active pairing there. */
  private readonly activeByTarget = new Map<string, Set<string>>();
  private readonly teams = new Map<string, TeamEntry>();
  private readonly activeTeamsByLead = new Map<string, TeamEntry[]>();

  /** Global position up to which the rows have been read. */
  position = -Infinity;

  get organizationCount(): number {
    return this.orgs.length;
  }

  get needCount(): number {
    return this.needs.length;
  }

  organization(id: string): OrganizationEntry | undefined {
    const slot = this.orgSlot.get(id);
    return slot === undefined ? undefined : this.orgs[slot];
  }

  need(id: string): NeedEntry | undefined {
    const slot = this.needSlot.get(id);
    return slot === undefined ? undefined : this.needs[slot];
  }

  // -------------------------------------------------------------------------------------------
  // Loading rows
  // -------------------------------------------------------------------------------------------

  putOrganization(row: MatchingOrganizationRow): void {
    let slot = this.orgSlot.get(row.id);
    if (slot === undefined) {
      slot = this.orgs.length;
      this.orgSlot.set(row.id, slot);
      this.orgs.push(undefined as unknown as OrganizationEntry);
      const n = this.orgs.length;
      this.orgCategories = grow(this.orgCategories, n);
      this.orgCity = grow(this.orgCity, n);
      this.orgCounty = grow(this.orgCounty, n);
      this.orgTown = grow(this.orgTown, n);
      this.orgHub = grow(this.orgHub, n);
      this.orgBase = grow(this.orgBase, n);
    }
    const entry: OrganizationEntry = {
      id: row.id, name: row.name, homeDivisionCode: row.homeDivisionCode, hubKind: row.hubKind, categories: row.categories, standing: row.standing,
      open: row.open === '[]' ? NO_OPEN_COMMITMENTS : (JSON.parse(row.open) as OpenCommitment[]), onTime: row.deliveredOnTime, late: row.deliveredLate, withdrawn: row.withdrawn,
    };
    this.orgs[slot] = entry;
    this.orgCategories[slot] = entry.categories;
    this.orgCity[slot] = codeNumber(entry.homeDivisionCode, 4);
    this.orgCounty[slot] = codeNumber(entry.homeDivisionCode, 6);
    this.orgTown[slot] = codeNumber(entry.homeDivisionCode, 9);
    this.orgHub[slot] = entry.hubKind ? 1 : 0;
    if (this.baseDay) this.orgBase[slot] = this.baseOf(entry, this.baseDay);
  }

  putNeed(row: MatchingNeedRow): void {
    let slot = this.needSlot.get(row.id);
    if (slot === undefined) {
      slot = this.needs.length;
      this.needSlot.set(row.id, slot);
      this.needs.push(undefined as unknown as NeedEntry);
      const n = this.needs.length;
      this.needCategory = grow(this.needCategory, n);
      this.needCity = grow(this.needCity, n);
      this.needCounty = grow(this.needCounty, n);
      this.needTown = grow(this.needTown, n);
      this.needOpen = grow(this.needOpen, n);
      this.needPublished = grow(this.needPublished, n);
      this.needUnpaired = grow(this.needUnpaired, n);
    }
    const entry: NeedEntry = new NeedRecord(row.id, row.title, row.villageCode, row.category as Category, row.status, row.open, row.publishedAt, row.lacking);
    this.needs[slot] = entry;
    this.needCategory[slot] = entry.villageCode ? categoryBit(entry.category) : 0;
    this.needCity[slot] = codeNumber(entry.villageCode, 4);
    this.needCounty[slot] = codeNumber(entry.villageCode, 6);
    this.needTown[slot] = codeNumber(entry.villageCode, 9);
    this.needOpen[slot] = entry.open ? 1 : 0;
    this.needPublished[slot] = entry.publishedAt ? Date.parse(entry.publishedAt) : NaN;
    this.needUnpaired[slot] = this.villagePaired(entry.villageCode) ? 0 : 1;
  }

  putPairing(row: MatchingPairingRow): void {
    const previous = this.pairings.get(row.id);
    if (previous?.active) this.activeByTarget.get(previous.targetCode)?.delete(previous.organizationId);
    const entry = { organizationId: row.organizationId, targetCode: row.targetCode, active: row.active };
    this.pairings.set(row.id, entry);
    if (entry.active) (this.activeByTarget.get(entry.targetCode) ?? this.activeByTarget.set(entry.targetCode, new Set()).get(entry.targetCode)!).add(entry.organizationId);
    if ((previous?.active ?? false) !== entry.active) this.pairingsChanged = true;
  }

  putTeam(row: MatchingTeamRow): void {
    const previous = this.teams.get(row.id);
    if (previous) {
      const led = this.activeTeamsByLead.get(previous.leadOrganizationId);
      if (led) this.activeTeamsByLead.set(previous.leadOrganizationId, led.filter((t) => t.teamId !== row.id));
    }
    const entry: TeamEntry = {
      teamId: row.id, leadOrganizationId: row.leadOrganizationId, targetCode: row.targetCode, categories: row.categories,
      members: (JSON.parse(row.members) as string[]).length, active: row.status === 'active',
    };
    this.teams.set(row.id, entry);
    if (entry.active) this.activeTeamsByLead.set(entry.leadOrganizationId, [...(this.activeTeamsByLead.get(entry.leadOrganizationId) ?? []), entry]);
  }

  /** After a batch of rows: what depends on several tables (villages' pairing flags) is brought up to date. */
  settle(): void {
    if (!this.pairingsChanged) return;
    this.pairingsChanged = false;
    for (let slot = 0; slot < this.needs.length; slot++) this.needUnpaired[slot] = this.villagePaired(this.needs[slot].villageCode) ? 0 : 1;
  }

  // -------------------------------------------------------------------------------------------
  // Facts
  // -------------------------------------------------------------------------------------------

  /** A village counts as paired when some organization has an active pairing with it or with its town. */
  villagePaired(villageCode: string): boolean {
    return (this.activeByTarget.get(villageCode)?.size ?? 0) > 0 || (this.activeByTarget.get(villageCode.slice(0, 9))?.size ?? 0) > 0;
  }

  pairingLevel(organizationId: string, villageCode: string): PairingLevel {
    if (this.activeByTarget.get(villageCode)?.has(organizationId)) return 'village';
    if (this.activeByTarget.get(villageCode.slice(0, 9))?.has(organizationId)) return 'town';
    return 'none';
  }

  activeTeamsLedBy(organizationId: string): readonly LedTeam[] {
    return this.activeTeamsByLead.get(organizationId) ?? [];
  }

  overdue(org: OrganizationEntry, day: string): number {
    return org.open.reduce((n, [, , promisedBy]) => (promisedBy !== null && promisedBy < day ? n + 1 : n), 0);
  }

  facts(org: OrganizationEntry, villageCode: string, now: number): OrganizationFacts {
    return {
      homeDivisionCode: org.homeDivisionCode,
      categories: org.categories,
      isHub: org.hubKind !== null,
      open: org.open.length,
      history: { onTime: org.onTime, late: org.late, withdrawn: org.withdrawn, overdue: this.overdue(org, today(now)) },
      activeTeams: this.activeTeamsLedBy(org.id),
      pairing: this.pairingLevel(org.id, villageCode),
    };
  }

  /** Only registered organizations in normal standing are ranked (abnormal-listed and deregistered ones cannot commit). */
  static eligible(org: OrganizationEntry): boolean {
    return org.standing === 'normal' && org.homeDivisionCode !== '';
  }

  private baseOf(org: OrganizationEntry, day: string): number {
    if (!MatchingIndex.eligible(org)) return NOT_RANKED;
    const overdue = this.overdue(org, day);
    return capacityFactor(org.open.length, org.onTime + org.late).points + reliabilityFactor({ onTime: org.onTime, late: org.late, withdrawn: org.withdrawn, overdue }).points;
  }

  /** The organization-only points depend on the day (overdue commitments): recomputed when it changes. */
  private ensureBase(now: number): void {
    const day = today(now);
    if (day === this.baseDay) return;
    this.baseDay = day;
    for (let slot = 0; slot < this.orgs.length; slot++) this.orgBase[slot] = this.baseOf(this.orgs[slot], day);
  }

  // -------------------------------------------------------------------------------------------
  // Rankings
  // -------------------------------------------------------------------------------------------

  /** City code − 4400 → 1 for the counterpart cities of `cityCode` (Guangdong's city codes are 4401–4453). */
  private counterpartTable(cityCode: string): Uint8Array {
    const table = new Uint8Array(100);
    for (const c of COUNTERPART_CITIES.get(cityCode) ?? []) table[Number(c) - 4400] = 1;
    return table;
  }

  /** Organizations in normal standing (and passing `filter`) ranked for a need by score (best first), with the reasons. */
  rankOrganizations(need: NeedEntry, limit: number, now: number, filter?: (org: OrganizationEntry) => boolean): { ranked: RankedOrganization[]; eligible: number } {
    this.ensureBase(now);
    const bit = categoryBit(need.category);
    const related = relatedMask(need.category);
    const town = codeNumber(need.villageCode, 9);
    const county = codeNumber(need.villageCode, 6);
    const city = codeNumber(need.villageCode, 4);
    const counterpart = this.counterpartTable(need.villageCode.slice(0, 4));
    const pairedVillage = this.activeByTarget.get(need.villageCode);
    const pairedTown = this.activeByTarget.get(need.villageCode.slice(0, 9));
    const paired = (pairedVillage?.size ?? 0) + (pairedTown?.size ?? 0) > 0;
    // The hot fields as locals: one pass over every organization, adding up the factors' points.
    const { orgs, orgBase, orgCategories, orgTown, orgCounty, orgCity, orgHub } = this;
    const top = new TopK(limit);
    let threshold = -Infinity;
    let eligible = 0;
    for (let slot = 0; slot < orgs.length; slot++) {
      const base = orgBase[slot];
      if (base === NOT_RANKED) continue;
      if (filter && !filter(orgs[slot])) continue;
      eligible++;
      const cats = orgCategories[slot];
      let points = base + ((cats & bit) !== 0 ? WEIGHTS.category : (cats & related) !== 0 ? RELATED_CATEGORY_POINTS : 0);
      // What the remaining factors could add at most: below the current top's threshold, skip it.
      if (points + PROXIMITY_POINTS.town + (paired ? WEIGHTS.pairing : 0) + (orgHub[slot] ? WEIGHTS.team : 0) <= threshold) continue;
      const orgCityCode = orgCity[slot];
      points +=
        orgTown[slot] === town ? PROXIMITY_POINTS.town
        : orgCounty[slot] === county ? PROXIMITY_POINTS.county
        : orgCityCode === city ? PROXIMITY_POINTS.city
        : orgCityCode >= 4400 && orgCityCode < 4500 && counterpart[orgCityCode - 4400] ? PROXIMITY_POINTS.counterpart
        : PROXIMITY_POINTS.province;
      if (paired) {
        const id = orgs[slot].id;
        points += pairedVillage?.has(id) ? WEIGHTS.pairing : pairedTown?.has(id) ? TOWN_PAIRING_POINTS : 0;
      }
      if (orgHub[slot]) {
        const teams = this.activeTeamsByLead.get(orgs[slot].id);
        points += teams?.length ? teamFactor(true, teams, need.villageCode, need.category).points : TEAM_POINTS.canForm;
      }
      if (points > threshold) {
        top.offer(slot, points);
        threshold = top.threshold;
      }
    }
    const ranked: RankedOrganization[] = top.items.map(({ index }) => {
      const organization = this.orgs[index];
      return { organization, ...scoreMatch(this.facts(organization, need.villageCode, now), need) };
    });
    // Rescoring rounds each factor as scoreMatch does; keep the order it gives (stable for ties).
    ranked.sort((a, b) => b.score - a.score);
    return { ranked, eligible };
  }

  /** Score of one organization for one need, with the reasons (undefined when it is not ranked). */
  score(org: OrganizationEntry, need: NeedEntry, now: number): Score | undefined {
    if (!MatchingIndex.eligible(org)) return undefined;
    return scoreMatch(this.facts(org, need.villageCode, now), need);
  }

  fairnessOf(need: NeedEntry, now: number): Fairness {
    return fairness(need.publishedAt, this.villagePaired(need.villageCode), now);
  }

  /**
   * Open needs ranked for an organization by priority = score + fairness (best first). Needs it
   * already holds an open commitment on are left out; `where` narrows by category or division.
   */
  rankNeeds(org: OrganizationEntry, limit: number, now: number, where: { category?: Category; division?: string } = {}): { ranked: RankedNeed[]; open: number } {
    this.ensureBase(now);
    const base = this.baseOf(org, today(now));
    if (base === NOT_RANKED) return { ranked: [], open: 0 };
    const cats = org.categories;
    const home = org.homeDivisionCode;
    const town = codeNumber(home, 9);
    const county = codeNumber(home, 6);
    const city = codeNumber(home, 4);
    const counterpart = this.counterpartTable(home.slice(0, 4));
    const committed = new Set(org.open.map(([needId]) => needId));
    const pairedTargets = new Set<string>();
    for (const [target, orgs] of this.activeByTarget) if (orgs.has(org.id)) pairedTargets.add(target);
    const isHub = org.hubKind !== null;
    const teams = this.activeTeamsLedBy(org.id);
    const categoryFilter = where.category ? categoryBit(where.category) : 0;
    const division = where.division;
    const { needs, needOpen, needCategory, needTown, needCounty, needCity, needPublished, needUnpaired } = this;
    const relatedTo = CATEGORY_BITS.map((categoryBitOf) => (cats & relatedMask(CATEGORY_OF_BIT.get(categoryBitOf)!)) !== 0);
    const pairingAtMost = pairedTargets.size ? WEIGHTS.pairing : 0;
    const teamAtMost = isHub ? WEIGHTS.team : 0;
    const top = new TopK(limit);
    let threshold = -Infinity;
    let open = 0;
    for (let slot = 0; slot < needs.length; slot++) {
      if (!needOpen[slot]) continue;
      const bit = needCategory[slot];
      if (categoryFilter && bit !== categoryFilter) continue;
      if (division && !needs[slot].villageCode.startsWith(division)) continue;
      if (committed.size && committed.has(needs[slot].id)) continue;
      open++;
      let points = base + ((cats & bit) !== 0 ? WEIGHTS.category : relatedTo[31 - Math.clz32(bit)] ? RELATED_CATEGORY_POINTS : 0);
      // fairness(need), as scoring.ts fairness() computes it.
      const published = needPublished[slot];
      const waitingDays = Number.isNaN(published) ? 0 : Math.max(0, (now - published) / 86_400_000);
      points += round2(FAIRNESS.waiting * Math.min(1, waitingDays / FAIRNESS.waitingFullAfterDays)) + (needUnpaired[slot] ? FAIRNESS.unpaired : 0);
      // What the remaining factors could add at most: below the current top's threshold, skip it.
      if (points + PROXIMITY_POINTS.town + pairingAtMost + teamAtMost <= threshold) continue;
      const needCityCode = needCity[slot];
      points +=
        town !== -1 && needTown[slot] === town ? PROXIMITY_POINTS.town
        : county !== -1 && needCounty[slot] === county ? PROXIMITY_POINTS.county
        : city !== -1 && needCityCode === city ? PROXIMITY_POINTS.city
        : needCityCode >= 4400 && needCityCode < 4500 && counterpart[needCityCode - 4400] ? PROXIMITY_POINTS.counterpart
        : PROXIMITY_POINTS.province;
      if (pairedTargets.size) {
        const village = needs[slot].villageCode;
        points += pairedTargets.has(village) ? WEIGHTS.pairing : pairedTargets.has(village.slice(0, 9)) ? TOWN_PAIRING_POINTS : 0;
      }
      if (isHub) points += teams.length ? teamFactor(true, teams, needs[slot].villageCode, needs[slot].category).points : TEAM_POINTS.canForm;
      if (points > threshold) {
        top.offer(slot, points);
        threshold = top.threshold;
      }
    }
    const ranked = top.items.map(({ index }) => {
      const need = this.needs[index];
      const score = scoreMatch(this.facts(org, need.villageCode, now), need);
      const fair = this.fairnessOf(need, now);
      return { need, ...score, fairness: fair, priority: round2(score.score + fair.total) };
    });
    ranked.sort((a, b) => b.priority - a.priority);
    return { ranked, open };
  }
}
