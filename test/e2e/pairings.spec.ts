import { PairingExpirySweeper } from '@shecun/organizations';
import { RegionsService } from '@shecun/regions';
import { actAs, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/** 结对帮扶 over HTTP: propose → confirm → active → ended / expired; key villages and coverage; the race. */
describe('pairings over HTTP (embedded)', () => {
  let t: TestApp;
  let villages: string[];
  const qingyuan = { id: 'mzj-qy-01', role: 'bureau' as const, scope: '4418' };
  const meizhou = { id: 'mzj-mz-01', role: 'bureau' as const, scope: '4414' };
  const staffOf = (organizationId: string) => ({ id: `staff-${organizationId}`, role: 'organization' as const, organizationId });
  const term = (over: Record<string, unknown> = {}) => ({ startDate: '2026-01-01', endDate: '2099-12-31', categories: ['education', 'care'], ...over });

  beforeAll(async () => {
    t = await startEmbeddedApp();
    // Sign everyone in up front, so that counting events around a request counts only that request's.
    for (const actor of [qingyuan, meizhou, staffOf('org-p-bad'), staffOf('org-nope'), staffOf('org-p-care'), staffOf('org-p-edu')]) await actAs(t, actor);
    villages = t.app.get(RegionsService).children('441826105').slice(0, 3).map((v) => v.code); // villages of 三排镇, 连南
    await registerOrganizations(t, [
      { id: 'org-p-edu', name: '广州市教育基金会', type: 'foundation' },
      { id: 'org-p-care', name: '广州市关爱协会' },
      { id: 'org-p-bad', name: '广州市某异常协会' },
    ]);
    const listed = await t.http().post('/api/organizations/org-p-bad/abnormal').set(await actAs(t, { id: 'b', role: 'bureau', scope: '4401' })).send({ reason: '年检不合格' }).expect(200);
    await t.projections.waitFor(listed.body.position);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('proposed by an organization, confirmed by the bureau, ended; key-village coverage follows', async () => {
    const bureau = await actAs(t, qingyuan);
    for (const code of villages) await t.http().post('/api/pairings/key-areas').set(bureau).send({ code }).expect(201);
    const proposed = await t.http().post('/api/pairings').set(await actAs(t, staffOf('org-p-edu'))).send({ organizationId: 'org-p-edu', targetCode: villages[0], ...term() }).expect(201);
    const id = proposed.body.pairingId;
    expect(id).toBe(`org-p-edu:${villages[0]}`);
    expect(proposed.body.pairing).toMatchObject({ status: 'proposed', organizationName: '广州市教育基金会', targetLevel: 'village', term: 1 });
    const confirmed = await t.http().post(`/api/pairings/${id}/confirm`).set(bureau).expect(200);
    expect(confirmed.body.pairing.status).toBe('active');
    await t.projections.waitFor(confirmed.body.position);

    const coverage = await t.http().get('/api/pairings/coverage').query({ division: '4418' }).expect(200);
    expect(coverage.body.total).toMatchObject({ keyVillages: 3, coveredVillages: 1 });
    expect(coverage.body.total.villageCoverage).toBeCloseTo(1 / 3);
    expect(coverage.body.byCounty).toEqual([expect.objectContaining({ code: '441826', keyVillages: 3, coveredVillages: 1 })]);

    const listed = await t.http().get('/api/pairings').query({ organizationId: 'org-p-edu', status: 'active' }).expect(200);
    expect(listed.body.items.map((p: { id: string }) => p.id)).toEqual([id]);

    const ended = await t.http().post(`/api/pairings/${id}/end`).set(await actAs(t, staffOf('org-p-edu'))).send({ reason: '帮扶项目完成' }).expect(200);
    expect(ended.body.pairing).toMatchObject({ status: 'ended', closeReason: '帮扶项目完成' });
    await t.projections.waitFor(ended.body.position);
    const after = await t.http().get('/api/pairings/coverage').query({ division: '4418' }).expect(200);
    expect(after.body.total.coveredVillages).toBe(0);
    const again = await t.http().post('/api/pairings').set(bureau).send({ organizationId: 'org-p-edu', targetCode: villages[0], ...term() }).expect(201);
    expect(again.body.pairing).toMatchObject({ term: 2, status: 'proposed' });
    const detail = await t.http().get(`/api/pairings/${encodeURIComponent(id)}`).expect(200);
    expect(detail.body.earlierTerms).toEqual([expect.objectContaining({ term: 1, status: 'ended' })]);
  });

  it('race: two concurrent proposals for the same organization–village → one pairing, one 409; one active after confirm', async () => {
    const village = villages[1];
    const staff = await actAs(t, staffOf('org-p-care'));
    const bureau = await actAs(t, qingyuan);
    const before = await t.eventCount();
    const [a, b] = await Promise.all([
      t.http().post('/api/pairings').set(staff).send({ organizationId: 'org-p-care', targetCode: village, ...term() }),
      t.http().post('/api/pairings').set(bureau).send({ organizationId: 'org-p-care', targetCode: village, ...term({ categories: ['health'] }) }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const lost = a.status === 409 ? a : b;
    expect(lost.body.detail).toMatch(/already has a proposed pairing/);
    expect(await t.eventCount()).toBe(before + 1);
    const id = `org-p-care:${village}`;
    const [c1, c2] = await Promise.all([t.http().post(`/api/pairings/${id}/confirm`).set(bureau), t.http().post(`/api/pairings/${id}/confirm`).set(bureau)]);
    expect([c1.status, c2.status].sort()).toEqual([200, 409]);
    await t.projections.waitFor(await t.store.headPosition());
    const active = await t.http().get('/api/pairings').query({ organizationId: 'org-p-care', division: village, status: 'active' }).expect(200);
    expect(active.body.total).toBe(1);
  });

  it('expires an active pairing at term end (sweeper), and coverage drops', async () => {
    const bureau = await actAs(t, qingyuan);
    const village = villages[2];
    const p = await t.http().post('/api/pairings').set(bureau).send({ organizationId: 'org-p-edu', targetCode: village, ...term({ endDate: '2030-06-30' }) }).expect(201);
    const c = await t.http().post(`/api/pairings/${p.body.pairingId}/confirm`).set(bureau).expect(200);
    await t.projections.waitFor(c.body.position);
    const sweeper = t.app.get(PairingExpirySweeper);
    expect(await sweeper.sweep('2030-06-30')).toEqual([]);
    expect(await sweeper.sweep('2030-07-01', new Date('2030-07-01T01:00:00Z'))).toEqual([p.body.pairingId]);
    await t.projections.waitFor(await t.store.headPosition());
    const detail = await t.http().get(`/api/pairings/${p.body.pairingId}`).expect(200);
    expect(detail.body.status).toBe('expired');
    const coverage = await t.http().get('/api/pairings/coverage').query({ division: '441826' }).expect(200);
    expect(coverage.body.total).toMatchObject({ keyVillages: 3, coveredVillages: 1 }); // only org-p-care's pairing is active
  });

  type Res = { status: number; headers: Record<string, string>; body: Record<string, unknown> };
  const cases: Array<[string, () => Promise<Res>, number, RegExp?]> = [
    ['an abnormal organization proposing', async () => t.http().post('/api/pairings').set(await actAs(t, staffOf('org-p-bad'))).send({ organizationId: 'org-p-bad', targetCode: villages[0], ...term() }), 403, /may not hold new pairings/],
    ['an unregistered organization', async () => t.http().post('/api/pairings').set(await actAs(t, staffOf('org-nope'))).send({ organizationId: 'org-nope', targetCode: villages[0], ...term() }), 404, /not registered/],
    ['another organization’s staff', async () => t.http().post('/api/pairings').set(await actAs(t, staffOf('org-p-care'))).send({ organizationId: 'org-p-edu', targetCode: villages[2], ...term() }), 403],
    ['bureau outside the target’s scope', async () => t.http().post('/api/pairings').set(await actAs(t, meizhou)).send({ organizationId: 'org-p-edu', targetCode: villages[2], ...term() }), 403, /outside your scope/],
    ['unknown village', async () => t.http().post('/api/pairings').set(await actAs(t, qingyuan)).send({ organizationId: 'org-p-edu', targetCode: '441826105999', ...term() }), 422, /village/],
    ['a county as target', async () => t.http().post('/api/pairings').set(await actAs(t, qingyuan)).send({ organizationId: 'org-p-edu', targetCode: '441826', ...term() }), 400, /targetCode/],
    ['end before start', async () => t.http().post('/api/pairings').set(await actAs(t, qingyuan)).send({ organizationId: 'org-p-care', targetCode: villages[0], ...term({ startDate: '2027-01-01', endDate: '2026-12-31' }) }), 422, /after startDate/],
    ['confirm by organization staff', async () => t.http().post(`/api/pairings/org-p-edu:${villages[0]}/confirm`).set(await actAs(t, staffOf('org-p-edu'))), 403, /bureau/],
    ['confirm outside scope', async () => t.http().post(`/api/pairings/org-p-edu:${villages[0]}/confirm`).set(await actAs(t, meizhou)), 403],
    ['unknown pairing', async () => t.http().post('/api/pairings/org-x:441826105201/confirm').set(await actAs(t, qingyuan)), 404],
    ['key area by organization staff', async () => t.http().post('/api/pairings/key-areas').set(await actAs(t, staffOf('org-p-edu'))).send({ code: villages[0] }), 403],
    ['key area designated twice', async () => t.http().post('/api/pairings/key-areas').set(await actAs(t, qingyuan)).send({ code: villages[0] }), 409],
    ['coverage of a village', async () => t.http().get('/api/pairings/coverage').query({ division: villages[0] }), 400],
  ];
  it.each(cases.map(([name, send, status, detail]) => ({ name, send, status, detail })))('$name → problem+json, nothing appended', async ({ send, status, detail }) => {
    const before = await t.eventCount();
    const res = (await send()) as Res;
    expect({ status: res.status, detail: res.body.detail }).toMatchObject({ status });
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    if (detail) expect(res.body.detail).toMatch(detail);
    expect(await t.eventCount()).toBe(before);
  });
});
