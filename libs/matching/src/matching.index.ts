import { Category } from '@shecun/categories';
import { MatchingRows } from './matching.rows';
import { CATEGORY_BITS, CATEGORY_OF_BIT, codeNumber, NOT_RANKED, round2, today, TopK } from './matching.scan';
import {
  categoryBit,
  COUNTERPART_CITIES,
  fairness,
  Fairness,
  FAIRNESS,
  PROXIMITY_POINTS,
  RELATED_CATEGORY_POINTS,
  relatedMask,
  Score,
  scoreMatch,
  teamFactor,
  TEAM_POINTS,
  TOWN_PAIRING_POINTS,
  WEIGHTS,
} from './scoring';
import { NeedEntry, OrganizationEntry, RankedNeed, RankedOrganization } from './matching.entries';

export type { LackingItem, NeedEntry, OrganizationEntry, RankedNeed, RankedOrganization } from './matching.entries';

/**
 * The matching read model held in memory for ranking: the rows of the matching tables, kept
 * fresh by the service from the rows changed since the last look, with the hot fields of every
 * organization and need in typed arrays so that one ranking scans 72,019 organizations (or every
 * open need) in a few milliseconds. Scores come from the same factor functions as scoring.ts:
 * the scan adds up the points, and the top entries are scored again with their reasons.
 */
export class MatchingIndex extends MatchingRows {
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
