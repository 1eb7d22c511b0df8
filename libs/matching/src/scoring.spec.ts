import {
  areCounterparts,
  categoryMask,
  COUNTERPART_CITIES,
  fairness,
  FACTORS,
  OrganizationFacts,
  proximityLevel,
  scoreMatch,
  WEIGHTS,
} from './scoring';
import counterpartData from '../data/counterpart-cities.json';

/** Each factor given its inputs: changing one input moves the score the expected way, all else equal. */
const VILLAGE = '441826105201'; // 连南 三排镇 某村, 清远
const need = { villageCode: VILLAGE, category: 'education' as const };
const base: OrganizationFacts = {
  homeDivisionCode: '440100',
  categories: categoryMask(['care']),
  isHub: false,
  open: 0,
  history: { onTime: 0, late: 0, withdrawn: 0, overdue: 0 },
  activeTeams: [],
  pairing: 'none',
};
const score = (changes: Partial<OrganizationFacts>) => scoreMatch({ ...base, ...changes }, need);
const points = (changes: Partial<OrganizationFacts>, factor: (typeof FACTORS)[number]) => score(changes).factors[factor].points;
/** Strictly decreasing scores, in the order given. */
const expectDescending = (variants: Partial<OrganizationFacts>[]) => {
  const scores = variants.map((v) => score(v).score);
  for (let i = 1; i < scores.length; i++) expect(scores[i - 1]).toBeGreaterThan(scores[i]);
};

describe('scoring', () => {
  it('weights add up to 100 and a perfect organization scores 100', () => {
    expect(Object.values(WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    const best = score({
      homeDivisionCode: '441826105',
      categories: categoryMask(['education']),
      isHub: true,
      open: 0,
      history: { onTime: 1_000_000, late: 0, withdrawn: 0, overdue: 0 },
      activeTeams: [{ teamId: 't', targetCode: '441826105', categories: categoryMask(['education']), members: 3 }],
      pairing: 'village',
    });
    expect(best.score).toBeCloseTo(100, 1);
  });

  it('service field: the need’s category > a related field > neither', () => {
    expectDescending([{ categories: categoryMask(['education']) }, { categories: categoryMask(['employment']) }, { categories: categoryMask(['greening']) }]);
    expect(points({ categories: categoryMask(['care', 'education']) }, 'category')).toBe(30);
    expect(score({ categories: categoryMask(['greening']) }).factors.category.reason).toContain('does not serve education');
  });

  it('proximity: same town > county > city > counterpart city > elsewhere in the province', () => {
    const homes = ['441826105', '441826', '4418', '4401', '4403'];
    expect(homes.map((h) => proximityLevel(h, VILLAGE))).toEqual(['town', 'county', 'city', 'counterpart', 'province']);
    expectDescending(homes.map((homeDivisionCode) => ({ homeDivisionCode })));
    // A village-level home compares by its town; a province-level one is elsewhere in the province.
    expect(proximityLevel('441826105299', VILLAGE)).toBe('town');
    expect(proximityLevel('44', VILLAGE)).toBe('province');
  });

  it('counterpart cities come from the data file, both directions, verified pairs only', () => {
    expect(areCounterparts('4401', '4418')).toBe(true); // 广州–清远
    expect(areCounterparts('4418', '4401')).toBe(true);
    expect(areCounterparts('4401', '4408')).toBe(true); // 广州–湛江, from the 2023 notice
    expect(areCounterparts('4419', '4452')).toBe(true); // 东莞–揭阳
    expect(areCounterparts('4401', '4403')).toBe(false);
    const unverified = counterpartData.pairs.filter((p) => !p.verified);
    expect(unverified.length).toBeGreaterThan(0);
    for (const p of unverified) expect(areCounterparts(p.from, p.to)).toBe(false);
    for (const p of counterpartData.pairs.filter((q) => q.verified)) expect(COUNTERPART_CITIES.get(p.to)?.has(p.from)).toBe(true);
    expect(counterpartData.pairs.every((p) => p.source.every((s) => s in counterpartData.sources))).toBe(true);
  });

  it('pairing: an active pairing with the village > with its town > none', () => {
    expectDescending([{ pairing: 'village' }, { pairing: 'town' }, { pairing: 'none' }]);
  });

  it('spare capacity: more open commitments lower it, more delivered raise it', () => {
    expectDescending([{ open: 0 }, { open: 1 }, { open: 5 }]);
    expectDescending([
      { open: 2, history: { onTime: 10, late: 0, withdrawn: 0, overdue: 0 } },
      { open: 2, history: { onTime: 1, late: 0, withdrawn: 0, overdue: 0 } },
    ]);
    expect(points({ open: 0 }, 'capacity')).toBe(10);
    expect(points({ open: 1 }, 'capacity')).toBe(5);
  });

  it('reliability: on-time deliveries raise it; late ones less; withdrawals and overdue commitments lower it', () => {
    const h = (onTime: number, late: number, withdrawn: number, overdue: number) => ({ history: { onTime, late, withdrawn, overdue }, open: overdue });
    expect(points(h(0, 0, 0, 0), 'reliability')).toBe(7.5);
    expect(points(h(3, 0, 0, 0), 'reliability')).toBeGreaterThan(points(h(0, 3, 0, 0), 'reliability'));
    expect(points(h(0, 0, 0, 0), 'reliability')).toBeGreaterThan(points(h(0, 0, 1, 0), 'reliability'));
    expect(points(h(2, 0, 0, 0), 'reliability')).toBeGreaterThan(points(h(2, 0, 0, 1), 'reliability'));
    expect(points(h(2, 0, 0, 0), 'reliability')).toBeGreaterThan(points(h(2, 0, 1, 0), 'reliability'));
  });

  it('team availability: a hub with a ready team for the area and field > a hub free to form one > a busy hub, a non-hub', () => {
    const ready = { teamId: 't1', targetCode: '441826', categories: categoryMask(['education', 'care']), members: 2 };
    const empty = { ...ready, members: 0 };
    const elsewhere = (n: number) => ({ teamId: `e${n}`, targetCode: '4414', categories: categoryMask(['education']), members: 1 });
    expectDescending([{ isHub: true, activeTeams: [ready] }, { isHub: true, activeTeams: [empty] }, { isHub: true, activeTeams: [] }, { isHub: true, activeTeams: [elsewhere(1), elsewhere(2), elsewhere(3)] }]);
    expect(points({ isHub: false, activeTeams: [ready] }, 'team')).toBe(0);
    // A team in another field does not count as ready.
    expect(points({ isHub: true, activeTeams: [{ ...ready, categories: categoryMask(['health']) }] }, 'team')).toBe(5);
  });

  it('every factor gives its reason in Chinese and English', () => {
    for (const factor of Object.values(score({}).factors)) expect(factor.reason).toMatch(/[\u4e00-\u9fff].*\(.*[a-z].*\)/);
  });

  it('fairness: long-waiting needs and villages with no active pairing rise, waiting counts fully after 60 days', () => {
    const now = Date.parse('2026-06-30T00:00:00Z');
    const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();
    expect(fairness(daysAgo(0), true, now).total).toBe(0);
    expect(fairness(daysAgo(30), true, now).total).toBe(7.5);
    expect(fairness(daysAgo(60), true, now).total).toBe(15);
    expect(fairness(daysAgo(200), true, now).total).toBe(15);
    expect(fairness(daysAgo(0), false, now).total).toBe(10);
    expect(fairness(daysAgo(90), false, now).total).toBe(25);
    expect(fairness(daysAgo(45), false, now).reason).toContain('no active pairing');
  });
});
