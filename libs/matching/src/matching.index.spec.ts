import { CATEGORIES, Category } from '@shecun/categories';
import { MatchingIndex } from './matching.index';
import { MatchingNeedRow, MatchingOrganizationRow, MatchingPairingRow, MatchingTeamRow } from './matching.projection';
import { categoryMask, fairness, scoreMatch } from './scoring';

/**
 * The index adds up the factors' points in one pass (and skips what cannot reach the top); its
 * rankings must equal scoring every organization (or need) with scoreMatch and sorting.
 */
function random(seed: number): () => number {
  let a = seed;
  return () => ((a = (a * 16807) % 2147483647) / 2147483647);
}

describe('MatchingIndex rankings equal scoring everything one by one', () => {
  const rnd = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  // Divisions around 三排镇 and the counterpart and other cities, so that every proximity level occurs.
  const homes = ['44', '4401', '4403', '4418', '441826', '441802', '441826105', '441826101', '441826105201', '4414'];
  const villages = ['441826105201', '441826105202', '441826101201', '441802006001', '441401001001'];
  const now = Date.parse('2026-06-30T00:00:00Z');
  const index = new MatchingIndex();
  const orgs: MatchingOrganizationRow[] = [];
  for (let i = 0; i < 600; i++) {
    const open = Array.from({ length: Math.floor(rnd() * 3) }, (_, k) => [`n-${k}`, `c-${i}-${k}`, rnd() < 0.5 ? (rnd() < 0.5 ? '2026-01-01' : '2026-12-31') : null]);
    const row = Object.assign(new MatchingOrganizationRow(), {
      id: `org-${i}`, name: `org ${i}`, homeDivisionCode: pick(homes), hubKind: rnd() < 0.15 ? 'hub' : null,
      categories: categoryMask([pick(CATEGORIES), ...(rnd() < 0.5 ? [pick(CATEGORIES)] : [])]),
      standing: rnd() < 0.05 ? 'abnormal' : rnd() < 0.03 ? 'deregistered' : 'normal', revision: 0, open: JSON.stringify(open),
      deliveredOnTime: Math.floor(rnd() * 4), deliveredLate: Math.floor(rnd() * 2), withdrawn: Math.floor(rnd() * 2), position: i,
    });
    orgs.push(row);
    index.putOrganization(row);
  }
  for (let i = 0; i < 60; i++) {
    index.putPairing(Object.assign(new MatchingPairingRow(), { id: `p-${i}`, organizationId: pick(orgs).id, targetCode: rnd() < 0.3 ? pick(villages).slice(0, 9) : pick(villages), active: rnd() < 0.8, revision: 1, position: 1000 + i }));
  }
  const hubs = orgs.filter((o) => o.hubKind);
  for (let i = 0; i < 40; i++) {
    index.putTeam(Object.assign(new MatchingTeamRow(), {
      id: `t-${i}`, leadOrganizationId: pick(hubs).id, targetCode: pick(['441826105', '441826', '4418', '4414']), categories: categoryMask([pick(CATEGORIES)]),
      status: rnd() < 0.8 ? 'active' : 'dissolved', members: JSON.stringify(rnd() < 0.5 ? ['org-1'] : []), revision: 1, position: 2000 + i,
    }));
  }
  const needs: MatchingNeedRow[] = [];
  for (let i = 0; i < 300; i++) {
    const row = Object.assign(new MatchingNeedRow(), {
      id: `need-${i}`, villageCode: pick(villages), title: 't', category: pick(CATEGORIES), status: 'published', open: rnd() < 0.9,
      publishedAt: new Date(now - rnd() * 100 * 86_400_000).toISOString(), lacking: '[]', revision: 1, position: 3000 + i, state: '{}',
    });
    needs.push(row);
    index.putNeed(row);
  }
  index.settle();

  it('candidates for a need: the same scores, best first, as scoring every eligible organization', () => {
    for (const needRow of needs.slice(0, 40)) {
      const need = index.need(needRow.id)!;
      const { ranked, eligible } = index.rankOrganizations(need, 25, now);
      const all = orgs
        .map((o) => index.organization(o.id)!)
        .filter(MatchingIndex.eligible)
        .map((o) => scoreMatch(index.facts(o, need.villageCode, now), need).score)
        .sort((a, b) => b - a);
      expect(eligible).toBe(all.length);
      expect(ranked.map((r) => r.score)).toEqual(all.slice(0, 25));
      for (const r of ranked) expect(r.organization.standing).toBe('normal');
    }
  });

  it('needs for an organization: the same priorities, best first, as scoring every open need it holds no commitment on', () => {
    for (const orgRow of orgs.filter((o) => o.standing === 'normal').slice(0, 40)) {
      const org = index.organization(orgRow.id)!;
      const committed = new Set(org.open.map(([needId]) => needId));
      const { ranked } = index.rankNeeds(org, 25, now);
      const all = needs
        .map((n) => index.need(n.id)!)
        .filter((n) => n.open && !committed.has(n.id))
        .map((n) => scoreMatch(index.facts(org, n.villageCode, now), n).score + fairness(n.publishedAt, index.villagePaired(n.villageCode), now).total)
        .map((p) => Math.round(p * 100) / 100)
        .sort((a, b) => b - a);
      expect(ranked.map((r) => r.priority)).toEqual(all.slice(0, 25));
    }
  });

  it('narrows needs by category and division', () => {
    const org = index.organization(orgs.find((o) => o.standing === 'normal')!.id)!;
    const category: Category = 'care';
    const { ranked } = index.rankNeeds(org, 100, now, { category, division: '441826' });
    expect(ranked.length).toBeGreaterThan(0);
    for (const r of ranked) expect([r.need.category, r.need.villageCode.slice(0, 6)]).toEqual([category, '441826']);
  });

  it('follows changed rows: a pairing confirmed then ended, a need no longer open', () => {
    const need = index.need(needs[0].id)!;
    const pairedOrg = index.organization(orgs[0].id)!;
    index.putPairing(Object.assign(new MatchingPairingRow(), { id: 'p-new', organizationId: pairedOrg.id, targetCode: need.villageCode, active: true, revision: 1, position: 9000 }));
    index.settle();
    expect(index.pairingLevel(pairedOrg.id, need.villageCode)).toBe('village');
    expect(index.villagePaired(need.villageCode)).toBe(true);
    index.putPairing(Object.assign(new MatchingPairingRow(), { id: 'p-new', organizationId: pairedOrg.id, targetCode: need.villageCode, active: false, revision: 2, position: 9001 }));
    index.settle();
    expect(index.pairingLevel(pairedOrg.id, need.villageCode)).not.toBe('village');
    index.putNeed(Object.assign(new MatchingNeedRow(), { ...needs[0], open: false, status: 'fully_committed', position: 9002 }));
    const holder = orgs.find((o) => o.standing === 'normal')!;
    expect(index.rankNeeds(index.organization(holder.id)!, 1000, now).ranked.map((r) => r.need.id)).not.toContain(needs[0].id);
  });
});
