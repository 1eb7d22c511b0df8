import { grow } from '@shecun/core';
import { Category } from '@shecun/categories';
import { MatchingNeedRow, MatchingOrganizationRow, MatchingPairingRow, MatchingTeamRow, OpenCommitment } from './matching.projection';
import { NeedEntry, NeedRecord, NO_OPEN_COMMITMENTS, OrganizationEntry, PairingEntry, TeamEntry } from './matching.entries';
import { codeNumber, NOT_RANKED, today } from './matching.scan';
import { capacityFactor, categoryBit, LedTeam, OrganizationFacts, PairingLevel, reliabilityFactor } from './scoring';

/**
 * The rows of the matching tables held in memory by slot, with the hot fields of every
 * organization and need in typed arrays, and the facts about an organization that scores need.
 * The rankings over them are the matching index's (matching.index.ts).
 */
export class MatchingRows {
  // Organizations: entries by slot, hot fields in typed arrays by the same slot.
  protected readonly orgs: OrganizationEntry[] = [];
  private readonly orgSlot = new Map<string, number>();
  protected orgCategories = new Int32Array(0);
  protected orgCity = new Int32Array(0);
  protected orgCounty = new Int32Array(0);
  protected orgTown = new Int32Array(0);
  protected orgHub = new Uint8Array(0);
  /** capacity + reliability points (they depend on the organization alone), or NOT_RANKED. */
  protected orgBase = new Float64Array(0);
  private baseDay = '';

  // Needs.
  protected readonly needs: NeedEntry[] = [];
  private readonly needSlot = new Map<string, number>();
  protected needCategory = new Int32Array(0);
  protected needCity = new Int32Array(0);
  protected needCounty = new Int32Array(0);
  protected needTown = new Int32Array(0);
  protected needOpen = new Uint8Array(0);
  protected needPublished = new Float64Array(0);
  protected needUnpaired = new Uint8Array(0);
  private pairingsChanged = false;

  // Pairings and teams.
  private readonly pairings = new Map<string, PairingEntry>();
  /** Target code (town or village) → organization ids with an active pairing there. */
  protected readonly activeByTarget = new Map<string, Set<string>>();
  private readonly teams = new Map<string, TeamEntry>();
  protected readonly activeTeamsByLead = new Map<string, TeamEntry[]>();

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

  protected baseOf(org: OrganizationEntry, day: string): number {
    if (!MatchingRows.eligible(org)) return NOT_RANKED;
    const overdue = this.overdue(org, day);
    return capacityFactor(org.open.length, org.onTime + org.late).points + reliabilityFactor({ onTime: org.onTime, late: org.late, withdrawn: org.withdrawn, overdue }).points;
  }

  /** The organization-only points depend on the day (overdue commitments): recomputed when it changes. */
  protected ensureBase(now: number): void {
    const day = today(now);
    if (day === this.baseDay) return;
    this.baseDay = day;
    for (let slot = 0; slot < this.orgs.length; slot++) this.orgBase[slot] = this.baseOf(this.orgs[slot], day);
  }
}
