import { validateCreditCode } from '@shecun/organizations';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedDemo } from '../../apps/standalone/src/seed/demo-seed';
import { actAs, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/** The README's demo money tables (between the demo-money markers): figures per region, and parts with their events. */
function demoMoneyTables(readme: string): { figures: string[][]; parts: string[][] } {
  const section = readme.split('<!-- demo-money:start -->')[1]?.split('<!-- demo-money:end -->')[0] ?? '';
  const cells = (line: string) => line.split('|').slice(1, -1).map((c) => c.trim().replace(/^`|`$/g, ''));
  const figures: string[][] = [];
  const parts: string[][] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) continue;
    const row = cells(line);
    if (/^\d+ /.test(row[0])) figures.push([row[0].split(' ')[0], ...row.slice(1)]);
    else if (row[0] === 'received' || row[0] === 'transferred') parts.push([row[0], row[1].split(' ')[0], row[2], row[3].split(' ')[0], row[4], row[5]]);
  }
  return { figures, parts };
}

/** The demo seed at its full size: organizations across Guangdong, pairings on key villages, two teams at 三排镇. */
describe('demo seed (organizations, pairings, teams)', () => {
  let t: TestApp;
  const progress: [number, number][] = [];
  let result: Awaited<ReturnType<typeof seedDemo>>;

  beforeAll(async () => {
    t = await startEmbeddedApp();
    result = await seedDemo(t.app, (done, total) => progress.push([done, total]));
    await t.projections.waitFor(await t.store.headPosition());
  }, 120_000);
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('reports progress step by step up to its total', () => {
    const total = progress[0][1];
    expect(progress.every(([, n]) => n === total)).toBe(true);
    expect(progress.map(([done]) => done)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(total).toBeGreaterThan(500);
    expect(result).toMatchObject({ teams: 2, needs: 21, accounts: 6 });
  });

  it('registers a few hundred organizations across Guangdong with valid credit codes, hubs in every city', async () => {
    expect(result.organizations).toBeGreaterThanOrEqual(300);
    const all = await t.http().get('/api/organizations').query({ pageSize: 100 }).expect(200);
    expect(all.body.total).toBe(result.organizations);
    const codes = new Set<string>();
    for (let page = 1; page <= Math.ceil(all.body.total / 100); page++) {
      const { body } = await t.http().get('/api/organizations').query({ pageSize: 100, page }).expect(200);
      for (const o of body.items) {
        expect({ id: o.id, valid: validateCreditCode(o.creditCode).valid }).toEqual({ id: o.id, valid: true });
        codes.add(o.creditCode);
      }
    }
    expect(codes.size).toBe(result.organizations);
    for (const city of ['4401', '4402', '4403', '4414', '4408', '4418', '4412', '4419', '4453']) {
      const hubs = await t.http().get('/api/organizations').query({ division: city, hub: 'true', pageSize: 100 }).expect(200);
      expect({ city, hub: hubs.body.items.some((o: { hubKind: string }) => o.hubKind === 'hub'), industry: hubs.body.items.some((o: { hubKind: string }) => o.hubKind === 'industry_association') }).toEqual({ city, hub: true, industry: true });
    }
    const lianNan = await t.http().get('/api/organizations').query({ division: '441826' }).expect(200);
    expect(lianNan.body.total).toBe(3);
    const abnormal = await t.http().get('/api/organizations').query({ standing: 'abnormal' }).expect(200);
    expect(abnormal.body.total).toBe(3);
  });

  it('pairs organizations with key villages of the four counterpart cities, most of them active', async () => {
    const active = await t.http().get('/api/pairings').query({ status: 'active', pageSize: 100 }).expect(200);
    expect(active.body.total).toBeGreaterThan(40);
    for (const status of ['proposed', 'declined', 'ended']) {
      expect({ status, some: (await t.http().get('/api/pairings').query({ status }).expect(200)).body.total > 0 }).toEqual({ status, some: true });
    }
    const coverage = await t.http().get('/api/pairings/coverage').query({ division: '44' }).expect(200);
    expect(coverage.body.byCity.map((c: { code: string }) => c.code)).toEqual(['4408', '4412', '4414', '4418']);
    expect(coverage.body.total.keyVillages).toBe(50);
    expect(coverage.body.total.villageCoverage).toBeGreaterThan(0.6);
    expect(coverage.body.total.villageCoverage).toBeLessThan(1);
    const sanpai = await t.http().get('/api/pairings').query({ division: '441826105', status: 'active', pageSize: 100 }).expect(200);
    expect(sanpai.body.items.map((p: { organizationId: string }) => p.organizationId)).toEqual(expect.arrayContaining(['org-gz-federation', 'org-4418-federation']));
  });

  it('forms two teams whose members deliver to 三排镇 needs', async () => {
    const teams = await t.http().get('/api/teams').query({ division: '441826105' }).expect(200);
    expect(teams.body.items.map((x: { title: string; leadOrganizationId: string; status: string }) => [x.title, x.leadOrganizationId, x.status]).sort()).toEqual([
      ['三排镇瑶寨助学暖冬组团', 'org-gz-federation', 'active'],
      ['三排镇瑶山茶产销组团', 'org-gz-ecommerce', 'active'],
    ]);
    const tea = teams.body.items.find((x: { leadOrganizationId: string }) => x.leadOrganizationId === 'org-gz-ecommerce');
    expect(tea.members.map((m: { organizationId: string; status: string }) => [m.organizationId, m.status])).toEqual([
      ['org-gz-ecommerce', 'member'], ['org-gz-hr', 'declined'], ['org-gz-food', 'member'], ['org-4418-agri', 'member'],
    ]);
    const profile = await t.http().get('/api/organizations/org-4418-agri/profile').set(await actAs(t, { id: 'staff-agri', role: 'organization', organizationId: 'org-4418-agri' })).expect(200);
    expect(profile.body.teams.items).toEqual([expect.objectContaining({ title: '三排镇瑶山茶产销组团', membership: 'member', share: 30 })]);
    expect(profile.body.commitments.items).toEqual([expect.objectContaining({ status: 'accepted', deliveryCount: 2, team: expect.objectContaining({ title: '三排镇瑶山茶产销组团' }) })]);
    const federation = await t.http().get('/api/organizations/org-gz-federation/profile').set(await actAs(t, { id: 'audit-seed-check', role: 'auditor', scope: '44' })).expect(200);
    expect(federation.body.teams.items.map((x: { membership: string }) => x.membership)).toEqual(['lead']);
    expect(federation.body.deliveryRecord.delivered).toBeGreaterThan(0);
  });

  it('leaves room for the registry import sample: its eight organizations register beside the seed’s', async () => {
    const content = readFileSync(join(__dirname, '../../docs/samples/organizations-registry.csv')).toString('base64');
    const res = await t.http().post('/api/organizations/import').set(await actAs(t, { id: 'mzj-qy-seed-check', role: 'bureau', scope: '4418' })).send({ content }).expect(200);
    expect(res.body).toMatchObject({ registered: 8, existing: 0, rejected: 2 });
    await t.projections.waitFor(res.body.position);
  });

  it('traces donation flows from donors through the rural education fund to 三排镇, with anomalies to follow up', async () => {
    expect(result.donationFlows).toBe(4);
    const auditor = await actAs(t, { id: 'audit-seed-donations', role: 'auditor', scope: '44' });
    const gifts = await t.http().get('/api/donations').query({ organizationId: 'org-gz-ecommerce' }).set(auditor).expect(200);
    expect(gifts.body.items).toEqual([expect.objectContaining({ donor: expect.objectContaining({ name: '广州市电子商务行业协会' }), recipient: expect.objectContaining({ kind: 'fund', id: 'fund-gz-rural-edu' }), refunded: 1_000_000 })]);
    const trace = await t.http().get(`/api/donations/${gifts.body.items[0].id}/trace`).set(auditor).expect(200);
    expect(trace.body.hops).toHaveLength(2);
    expect(trace.body.hops[1]).toMatchObject({ recipient: { id: 'org-gz-charity' }, used: 12_000_000, confirmed: 12_000_000 });
    const anomalies = await t.http().get('/api/audit/donations/anomalies').set(auditor).expect(200);
    // Unallocated for more than 30 days: the gift's rest at the fund, the charity's rest of the transfer, the individuals' gifts, the rice;
    // the library allocation half unused, its use without an invoice and not confirmed by the village.
    expect(anomalies.body.items.map((a: { kind: string; holder: string }) => `${a.kind} ${a.holder}`).sort()).toEqual([
      'allocated-unused 乡村教育专项基金',
      'received-unallocated 乡村教育专项基金',
      'received-unallocated 广州市慈善会',
      'received-unallocated 广州市慈善会',
      'received-unallocated 广州市社会组织联合会',
      'use-unconfirmed 乡村教育专项基金',
      'use-without-evidence 乡村教育专项基金',
    ]);
    const ledger = await t.http().get('/api/audit/donations/ledger').set(auditor).expect(200);
    expect(ledger.body).toMatchObject({ ok: true, eventsChecked: 18 });
    const disclosure = await t.http().get('/api/disclosure/organizations/org-gz-charity').expect(200);
    expect(disclosure.body.projects).toEqual([expect.objectContaining({ kind: 'need', title: '三排镇中心小学课桌椅更新', usedFen: 12_000_000, confirmedFen: 12_000_000 })]);
  });

  it('counts the demo’s money as the README’s table shows it: 清远 and 广东, each part with the events behind it', async () => {
    const admin = await actAs(t, { id: 'admin-seed-money', role: 'admin' });
    const { figures, parts } = demoMoneyTables(readFileSync(join(__dirname, '../../README.md'), 'utf8'));
    const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? '—' : (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    const shown: string[][] = [];
    const partsShown: string[][] = [];
    for (const region of ['4418', '44']) {
      const { body } = await t.http().get('/api/dashboard/summary').query({ region }).set(admin).expect(200);
      const d = body.total.donations;
      shown.push([region, yuan(d.receivedFen), yuan(d.transferredFen), yuan(d.allocatedFen), yuan(d.usedFen), yuan(d.evidencedFen), yuan(d.confirmedFen), yuan(d.unallocated?.receivedFen), yuan(d.unallocated?.transferredFen)]);
      for (const figure of ['received', 'transferred']) {
        const sources = await t.http().get(`/api/dashboard/figures/${figure}/events`).query({ region, pageSize: 100 }).set(admin).expect(200);
        expect(sources.body.totalFen).toBe(d[`${figure}Fen`]);
        for (const p of sources.body.items) {
          partsShown.push([figure, region, yuan(p.fen), p.villageCode ?? '未分配', p.holder, p.events.map((e: { type: string; amount: number; unit: string }) => `${e.type} ${e.unit === '分' ? `${e.amount < 0 ? '-' : ''}¥${yuan(Math.abs(e.amount))}` : `${e.amount} ${e.unit}`}`).join(', ')]);
        }
      }
    }
    expect(shown).toEqual(figures);
    expect(partsShown.sort()).toEqual(parts.sort());

    // The public page of the fund's holder explains the ¥300,000 transfer: passed on to 广州市慈善会, who received it all.
    const fund = await t.http().get('/api/disclosure/organizations/org-gz-edu-fdn').expect(200);
    expect(fund.body.counting).toEqual({ fromDonorsFen: 49_000_000, transferredInFen: 0, transferredOutFen: 30_000_000, toVillagesFen: 5_000_000, unallocatedFen: 14_000_000 });
    expect(fund.body.transfers).toEqual([expect.objectContaining({ to: '广州市慈善会', kind: 'organization', allocatedFen: 30_000_000, receivedFen: 30_000_000 })]);
    const charity = await t.http().get('/api/disclosure/organizations/org-gz-charity').expect(200);
    expect(charity.body.counting).toEqual({ fromDonorsFen: 0, transferredInFen: 30_000_000, transferredOutFen: 0, toVillagesFen: 12_000_000, unallocatedFen: 18_000_000 });
  });

  it('appends nothing on a second run', async () => {
    const before = await t.eventCount();
    await seedDemo(t.app);
    expect(await t.eventCount()).toBe(before);
  }, 120_000);
});
