import { CommandBus } from '@nestjs/cqrs';
import { Actor, fold } from '@shecun/core';
import { ExecuteFlowCommand, FlowRequest } from '@shecun/donations';
import { ExecuteNeedCommand, NeedCommand, needDecider, NeedEvent, NeedState } from '@shecun/needs';
import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { PROVINCE_BUREAU, registerOrganizations } from '../support/organizations';
import { actAs, futureDate, removeDir, startEmbeddedApp, staffOf, TestActor, TestApp } from '../support/embedded-app';

/**
 * The bureau's dashboard over HTTP, on a fixture driven through the real command path at chosen
 * dates, with every figure computed by hand below; and a rate recomputed by replaying the event
 * store, compared with the dashboard's.
 */

const V1 = '441826105201'; // 山溪村, 三排镇, 连南瑶族自治县 (441826), 清远市 (4418)
const V2 = '441826105202'; // 东芒村, 三排镇
const V3 = '441802006001'; // 高基里社区, 凤城街道, 清城区 (441802), 清远市
const HUB = 'org-d-hub';
const EDU = 'org-d-edu';
const MED = 'org-d-med';
const hubAdmin: TestActor = { id: 'dash-hub-admin', role: 'hub', organizationId: HUB };
const SANPAI: Actor = { id: 'dash-coord-sanpai', role: 'coordinator', scope: '441826105' };
const FENGCHENG: Actor = { id: 'dash-coord-fengcheng', role: 'coordinator', scope: '441802006' };
const staff = (organizationId: string): Actor => ({ id: `dash-staff-${organizationId}`, role: 'organization', organizationId });
const HUB_ACTOR: Actor = { id: 'dash-hub-admin', role: 'hub', organizationId: HUB };

/** An instant given in China time. */
const cst = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

const BUREAU_COUNTY: TestActor = { id: 'dash-bureau-liannan', role: 'bureau', scope: '441826' };
const BUREAU_CITY: TestActor = { id: 'dash-bureau-qingyuan', role: 'bureau', scope: '4418' };
const AUDITOR: TestActor = { id: 'dash-auditor', role: 'auditor', scope: '4418' };
const ADMIN: TestActor = { id: 'dash-admin', role: 'admin' };

const ids: Record<string, string> = {};

describe('monitoring dashboard', () => {
  let t: TestApp;
  let bureau: Record<string, string>;

  const need = async (name: string, steps: Array<[Actor, NeedCommand, string]>) => {
    const needId = (ids[name] ??= randomUUID());
    for (const [actor, command, at] of steps) {
      const c = command.type === 'DraftNeed' ? { ...command, needId } : command;
      await t.app.get(CommandBus).execute(new ExecuteNeedCommand(needId, c, { actor, commandId: randomUUID(), correlationId: randomUUID() }, cst(at)));
    }
  };
  const draft = (village: string, title: string, category: 'education' | 'health', publish = true): NeedCommand => ({
    type: 'DraftNeed', needId: '', villageCode: village, title, description: '', category, dueDate: null, autoAccept: false, publish,
    lineItems: [{ kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 10 }],
  });
  const offer = (organizationId: string, quantity: number, promisedBy: string, team?: { teamId: string; shares: Array<{ organizationId: string; items: Array<{ lineItemId: string; quantity: number }> }> }): NeedCommand => ({
    type: 'OfferCommitment', commitmentId: 'c1', organizationId, organizationName: organizationId, items: [{ lineItemId: 'L1', quantity }], promisedBy, note: '', ...(team ?? {}),
  });
  const deliver = (quantity: number): NeedCommand => ({ type: 'RecordDelivery', commitmentId: 'c1', deliveryId: 'd1', items: [{ lineItemId: 'L1', quantity }], evidence: [{ kind: 'photo', ref: 'lamps.jpg' }], note: '' });
  const ACCEPT: NeedCommand = { type: 'AcceptCommitment', commitmentId: 'c1' };
  const CONFIRM: NeedCommand = { type: 'ConfirmDelivery', commitmentId: 'c1', deliveryId: 'd1', note: '' };
  const FULFIL: NeedCommand = { type: 'FulfilNeed', note: '' };

  beforeAll(async () => {
    process.env.NEED_EXPIRY_SWEEP = 'false';
    t = await startEmbeddedApp();
    bureau = await actAs(t, BUREAU_COUNTY);
    await registerOrganizations(t, [{ id: HUB, name: '清远市社会组织联合会', hubKind: 'hub' }, { id: EDU, name: '清远市助学会' }, { id: MED, name: '清远市医师协会' }]);

    // A team (组团帮扶) led by the hub with EDU as a member, for 三排镇.
    const hub = await actAs(t, hubAdmin);
    const formed = await t.http().post('/api/teams').set(hub).send({ leadOrganizationId: HUB, targetCode: '441826105', title: '三排镇照明组团', categories: ['education'], leadShare: 60 }).expect(201);
    const teamId: string = formed.body.teamId;
    await t.http().post(`/api/teams/${teamId}/invitations`).set(hub).send({ organizationId: EDU, role: 'implementing', share: 40 }).expect(201);
    const joined = await t.http().post(`/api/teams/${teamId}/invitations/${EDU}/accept`).set(await actAs(t, staffOf(EDU))).expect(200);
    await t.projections.waitFor(joined.body.position);

    // 2025-01 (China time) in 连南: N1 to N4; N5 early on 1 February in Guangzhou (still 31 January in UTC); N6 a draft; N7 in 清城区.
    const teamShares = { teamId, shares: [{ organizationId: HUB, items: [{ lineItemId: 'L1', quantity: 6 }] }, { organizationId: EDU, items: [{ lineItemId: 'L1', quantity: 4 }] }] };
    await need('N1', [
      [SANPAI, draft(V1, 'N1 山溪村路灯', 'education'), '2025-01-06 09:00'],
      [HUB_ACTOR, offer(HUB, 10, '2025-02-01', teamShares), '2025-01-06 10:00'],
      [SANPAI, ACCEPT, '2025-01-07 09:00'], // 24 h
      [HUB_ACTOR, deliver(10), '2025-01-10 09:00'],
      [SANPAI, CONFIRM, '2025-01-11 09:00'],
      [SANPAI, FULFIL, '2025-01-13 09:00'], // 168 h
    ]);
    await need('N2', [
      [SANPAI, draft(V2, 'N2 东芒村卫生室设备', 'health'), '2025-01-10 09:00'],
      [staff(MED), offer(MED, 4, '2025-02-10'), '2025-01-10 12:00'],
      [SANPAI, ACCEPT, '2025-01-10 21:00'], // 12 h, 4 of 10: partially committed
    ]);
    await need('N3', [
      [SANPAI, draft(V1, 'N3 山溪村课桌椅', 'education'), '2025-01-20 09:00'],
      [staff(EDU), offer(EDU, 10, '2025-02-20'), '2025-01-21 09:00'],
      [SANPAI, ACCEPT, '2025-01-22 09:00'], // 48 h, fully committed
      [staff(EDU), { type: 'WithdrawCommitment', commitmentId: 'c1', reason: '资金未到位' }, '2025-01-25 09:00'],
    ]);
    await need('N4', [
      [SANPAI, draft(V2, 'N4 东芒村图书', 'education'), '2025-01-15 09:00'],
      [SANPAI, { type: 'WithdrawNeed', reason: '另有安排' }, '2025-01-20 09:00'],
    ]);
    await need('N5', [
      [SANPAI, draft(V1, 'N5 山溪村校服', 'education'), '2025-02-01 00:30'],
      [staff(EDU), offer(EDU, 10, '2025-03-01'), '2025-02-01 03:00'],
      [SANPAI, ACCEPT, '2025-02-01 06:30'], // 6 h
    ]);
    await need('N6', [[SANPAI, draft(V1, 'N6 草稿', 'education', false), '2025-01-08 09:00']]);
    await need('N7', [
      [FENGCHENG, draft(V3, 'N7 高基里社区长者饭堂', 'education'), '2025-01-08 09:00'],
      [staff(MED), offer(MED, 10, '2025-02-08'), '2025-01-08 12:00'],
      [FENGCHENG, ACCEPT, '2025-01-08 19:00'], // 10 h
      [staff(MED), deliver(10), '2025-01-12 09:00'],
      [FENGCHENG, CONFIRM, '2025-01-15 09:00'],
      [FENGCHENG, FULFIL, '2025-01-18 09:00'], // 240 h
    ]);

    // Donations: received by the hub on 5 January, 50,000 fen allocated to 山溪村 on 9 January, 20,000 used on 3 February and confirmed on 5 February.
    const flowId = randomUUID();
    const flow = (actor: Actor, request: FlowRequest, at: string) =>
      t.app.get(CommandBus).execute(new ExecuteFlowCommand(flowId, request, { actor, commandId: randomUUID(), correlationId: randomUUID() }, cst(at)));
    const hubStaff = staff(HUB);
    await flow(hubStaff, { type: 'PledgeDonation', donor: { kind: 'individual' }, recipient: { kind: 'organization', id: HUB }, resource: { kind: 'money' }, amount: 100_000, note: '' }, '2025-01-04 09:00');
    await flow(hubStaff, { type: 'ReceiveDonation', receiptNumber: 'R-2025-1', amount: 100_000, receivedOn: '2025-01-05' }, '2025-01-05 09:00');
    await flow(hubStaff, { type: 'AllocateDonation', allocationId: 'a1', target: { kind: 'village', villageCode: V1, project: '路灯' }, amount: 50_000, note: '' }, '2025-01-09 09:00');
    await flow(hubStaff, { type: 'RecordUse', useId: 'u1', allocationId: 'a1', amount: 20_000, evidence: [{ kind: 'invoice', ref: 'No.88' }], usedOn: '2025-02-03', note: '' }, '2025-02-03 09:00');
    await flow(SANPAI, { type: 'ConfirmUse', useId: 'u1', note: '' }, '2025-02-05 09:00');

    // Key villages 山溪村 and 东芒村; EDU paired with 山溪村.
    const province = await actAs(t, PROVINCE_BUREAU);
    for (const code of [V1, V2]) await t.http().post('/api/pairings/key-areas').set(province).send({ code }).expect(201);
    await t.http().post('/api/pairings').set(province).send({ organizationId: EDU, targetCode: V1, startDate: futureDate(-1), endDate: futureDate(300), categories: ['education'] }).expect(201);
    await t.http().post(`/api/pairings/${EDU}:${V1}/confirm`).set(province).expect(200);
    await t.projections.waitFor(await t.store.headPosition());
  });

  afterAll(async () => {
    delete process.env.NEED_EXPIRY_SWEEP;
    await t.close();
    removeDir(t.dataDir);
  });

  const get = async (path: string, as: Record<string, string> = bureau) => {
    const res = await t.http().get(path).set(as);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  it('gives the hand-computed figures of a county by month, with the February need that is still 31 January in UTC', async () => {
    const body = await get('/api/dashboard/figures?region=441826&level=county&period=month');
    expect(body.region).toEqual({ code: '441826', name: '连南瑶族自治县', level: 'county' });
    expect(body.rows.map((r: { period: { key: string } }) => r.period.key)).toEqual(['2025-01', '2025-02']);
    const [january, february] = body.rows;
    expect(january).toMatchObject({
      region: { code: '441826', level: 'county' }, category: 'all', period: { key: '2025-01', firstDate: '2025-01-01', lastDate: '2025-01-31' },
      published: 4, matched: 3, fullyCommitted: 2, fulfilled: 1, matchRate: 0.75, conversionRate: 1 / 3,
      timeToFirstAcceptance: { needs: 3, medianHours: 24, p90Hours: 48 },
      timeToFulfilment: { needs: 1, medianHours: 168, p90Hours: 168 },
      teamCommitments: 1, teamCommitmentsDelivered: 1,
    });
    expect(february).toMatchObject({
      published: 1, matched: 1, fullyCommitted: 1, fulfilled: 0, matchRate: 1, conversionRate: 0,
      timeToFirstAcceptance: { needs: 1, medianHours: 6, p90Hours: 6 }, timeToFulfilment: { needs: 0, medianHours: null, p90Hours: null },
    });
    expect(body.total).toMatchObject({
      published: 5, matched: 4, fullyCommitted: 3, fulfilled: 1, matchRate: 0.8, conversionRate: 0.25,
      timeToFirstAcceptance: { needs: 4, medianHours: 12, p90Hours: 48 },
    });
  });

  it('groups by region level, category, ISO week and quarter, and narrows to dates', async () => {
    const admin = await actAs(t, ADMIN);
    const city = await get('/api/dashboard/figures?region=4418&level=city&period=month', admin);
    expect(city.rows[0]).toMatchObject({
      region: { code: '4418', name: '清远市', level: 'city' }, period: { key: '2025-01' },
      published: 5, matched: 4, fullyCommitted: 3, fulfilled: 2, matchRate: 0.8, conversionRate: 0.5,
      timeToFirstAcceptance: { needs: 4, medianHours: 12, p90Hours: 48 }, timeToFulfilment: { needs: 2, medianHours: 168, p90Hours: 240 },
    });
    const counties = await get('/api/dashboard/figures?region=4418&level=county', await actAs(t, BUREAU_CITY));
    expect(counties.rows.map((r: { region: { code: string }; period: { key: string }; published: number }) => [r.region.code, r.period.key, r.published])).toEqual([
      ['441802', '2025-01', 1],
      ['441826', '2025-01', 4],
      ['441826', '2025-02', 1],
    ]);
    expect(counties.rows[0]).toMatchObject({ region: { name: '清城区' }, matchRate: 1, conversionRate: 1, timeToFulfilment: { medianHours: 240 } });
    const towns = await get('/api/dashboard/figures?region=441826&level=town&period=quarter');
    expect(towns.rows).toEqual([expect.objectContaining({ region: { code: '441826105', name: '三排镇', level: 'town' }, period: expect.objectContaining({ key: '2025-Q1', firstDate: '2025-01-01', lastDate: '2025-03-31' }), published: 5, matched: 4 })]);
    const weeks = await get('/api/dashboard/figures?region=441826&level=county&period=week');
    expect(weeks.rows.map((r: { period: { key: string }; published: number; matched: number }) => [r.period.key, r.published, r.matched])).toEqual([
      ['2025-W02', 2, 2], // N1 Monday 6 January, N2 Friday 10 January
      ['2025-W03', 1, 0], // N4
      ['2025-W04', 1, 1], // N3
      ['2025-W05', 1, 1], // N5, Saturday 1 February in Guangzhou
    ]);
    const categories = await get('/api/dashboard/figures?region=441826&level=county&byCategory=true&to=2025-01-31');
    expect(categories.rows.map((r: { category: string; published: number; matched: number; fulfilled: number; matchRate: number }) => [r.category, r.published, r.matched, r.fulfilled, r.matchRate])).toEqual([
      ['education', 3, 2, 1, 2 / 3],
      ['health', 1, 1, 0, 1],
    ]);
    const health = await get('/api/dashboard/figures?region=441826&level=county&category=health');
    expect(health.total).toMatchObject({ published: 1, matched: 1, conversionRate: 0 });
    const dates = await get('/api/dashboard/figures?region=441826&level=county&from=2025-01-10&to=2025-01-31');
    expect(dates.total).toMatchObject({ published: 3, matched: 2, fulfilled: 0 }); // N2, N4, N3
  });

  it('drills each figure down to its needs, and each need to its events', async () => {
    const { rows } = await get('/api/dashboard/figures?region=441826&level=county&period=month');
    const matched = await get(rows[0].needs.matched);
    expect(matched).toMatchObject({ total: 3, figure: 'matched', bucket: '2025-01' });
    expect(matched.items.map((n: { id: string; title: string; status: string; hoursToFirstAcceptance: number }) => [n.id, n.title, n.status, n.hoursToFirstAcceptance])).toEqual([
      [ids.N1, 'N1 山溪村路灯', 'fulfilled', 24],
      [ids.N2, 'N2 东芒村卫生室设备', 'partially_committed', 12],
      [ids.N3, 'N3 山溪村课桌椅', 'published', 48],
    ]);
    expect((await get(rows[0].needs.published)).items.map((n: { id: string }) => n.id)).toEqual([ids.N1, ids.N2, ids.N4, ids.N3]);
    expect((await get(rows[0].needs.fullyCommitted)).items.map((n: { id: string }) => n.id)).toEqual([ids.N1, ids.N3]);
    expect((await get(rows[0].needs.fulfilled)).items.map((n: { id: string }) => n.id)).toEqual([ids.N1]);
    expect((await get(rows[0].needs.teamCommitmentsDelivered)).items.map((n: { id: string }) => n.id)).toEqual([ids.N1]);
    expect((await get(rows[1].needs.published)).items.map((n: { id: string }) => n.id)).toEqual([ids.N5]);
    const events = await get(matched.items[2].events);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['NeedDrafted', 'NeedPublished', 'CommitmentOffered', 'CommitmentAccepted', 'CommitmentWithdrawn']);
    const paged = await get('/api/dashboard/needs?region=441826&period=month&bucket=2025-01&figure=published&page=2&pageSize=3');
    expect(paged).toMatchObject({ total: 4, page: 2, pageSize: 3, items: [expect.objectContaining({ id: ids.N3 })] });
  });

  it('sums a region’s teams, donations by month and current key-village coverage', async () => {
    const summary = await get('/api/dashboard/summary?region=441826&period=month');
    expect(summary.rows.map((r: { period: { key: string } }) => r.period.key)).toEqual(expect.arrayContaining(['2025-01', '2025-02']));
    const month = (key: string) => summary.rows.find((r: { period: { key: string } }) => r.period.key === key);
    // The gift of 100,000 fen counts for 441826 only with the 50,000 allocated to 山溪村 (dated by its receipt);
    // the other 50,000 is still with the hub, unallocated, shown at the province.
    expect(month('2025-01')).toMatchObject({ needs: { published: 4, matched: 3, matchRate: 0.75 }, teamsFormed: 0, donations: { receivedFen: 50_000, transferredFen: 0, allocatedFen: 50_000, usedFen: 0, confirmedFen: 0, unallocated: null } });
    expect(month('2025-02')).toMatchObject({ needs: { published: 1 }, donations: { receivedFen: 0, allocatedFen: 0, usedFen: 20_000, evidencedFen: 20_000, confirmedFen: 20_000 } });
    expect(summary.total).toMatchObject({
      needs: { published: 5, matched: 4, teamCommitments: 1, teamCommitmentsDelivered: 1 },
      teams: { formed: 1, activeNow: 1 }, // formed today, in this month's bucket
      donations: {
        receivedFen: 50_000, transferredFen: 0, allocatedFen: 50_000, usedFen: 20_000, evidencedFen: 20_000, confirmedFen: 20_000, flows: 1, unallocated: null, link: '/api/donations?villageCode=441826',
        sources: { received: '/api/dashboard/figures/received/events?region=441826&period=month' },
      },
      coverage: { keyVillages: 2, coveredVillages: 1, villageCoverage: 0.5 },
    });
    const january = await get('/api/dashboard/summary?region=441826&from=2025-01-01&to=2025-01-31');
    expect(january.total).toMatchObject({ teams: { formed: 0 }, donations: { receivedFen: 50_000, allocatedFen: 50_000, usedFen: 0 } });
    const province = await get('/api/dashboard/summary?region=44&period=month', await actAs(t, ADMIN));
    expect(province.total.donations).toMatchObject({ receivedFen: 100_000, allocatedFen: 50_000, usedFen: 20_000, unallocated: { receivedFen: 50_000, transferredFen: 0 } });
    const sources = await get(summary.total.donations.sources.received);
    expect(sources).toMatchObject({ figure: 'received', totalFen: 50_000, total: 1 });
    expect(sources.items[0]).toMatchObject({ fen: 50_000, villageCode: V1, bucket: '2025-01' });
    expect(sources.items[0].events.map((e: { type: string; amount: number }) => [e.type, e.amount])).toEqual([['DonationReceived', 100_000], ['DonationAllocated', 50_000]]);
    const elsewhere = await get('/api/dashboard/summary?region=441802', await actAs(t, BUREAU_CITY));
    expect(elsewhere.total).toMatchObject({ needs: { published: 1, fulfilled: 1 }, teams: { formed: 0 }, donations: { receivedFen: 0 }, coverage: { keyVillages: 0, villageCoverage: null } });
  });

  it('exports figures, summaries and drill-downs as CSV (English headers on request; 元 next to fen)', async () => {
    const figures = await t.http().get('/api/dashboard/figures?region=441826&level=county&format=csv&lang=en').set(bureau).expect(200);
    expect(figures.headers['content-type']).toMatch(/^text\/csv/);
    expect(figures.headers['content-disposition']).toMatch(/attachment; filename="dashboard-figures.csv"/);
    const rows = parse(figures.text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.region_code, r.bucket, r.published, r.matched, r.match_rate, r.first_acceptance_median_hours, r.first_acceptance_p90_hours])).toEqual([
      ['441826', '2025-01', '4', '3', '0.75', '24', '48'],
      ['441826', '2025-02', '1', '1', '1', '6', '6'],
      ['441826', 'all', '5', '4', '0.8', '12', '48'],
    ]);
    const needs = await t.http().get('/api/dashboard/needs?region=441826&bucket=2025-01&figure=matched&format=csv&lang=en').set(bureau).expect(200);
    const listed = parse(needs.text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(listed.map((r) => [r.need_id, r.title, r.events])).toEqual([
      [ids.N1, 'N1 山溪村路灯', `/api/needs/${ids.N1}/events`],
      [ids.N2, 'N2 东芒村卫生室设备', `/api/needs/${ids.N2}/events`],
      [ids.N3, 'N3 山溪村课桌椅', `/api/needs/${ids.N3}/events`],
    ]);
    const summary = await t.http().get('/api/dashboard/summary?region=441826&format=csv&lang=en').set(bureau).expect(200);
    const total = (parse(summary.text, { bom: true, columns: true }) as Array<Record<string, string>>).at(-1)!;
    expect(total).toMatchObject({ bucket: 'all', published: '5', received_yuan: '500.00', received_fen: '50000', used_yuan: '200.00', used_fen: '20000', received_events: '/api/dashboard/figures/received/events?region=441826&period=month', key_villages_now: '2', key_village_coverage_now: '0.5' });
  });

  it('answers bureau staff and auditors within their scope and administrators; refuses others, regions out of scope and bad input with problem details', async () => {
    const status = async (path: string, actor?: TestActor) => {
      const res = await t.http().get(path).set(actor ? await actAs(t, actor) : {});
      if (res.status >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      return res.status;
    };
    expect(await status('/api/dashboard/figures?region=441826', BUREAU_COUNTY)).toBe(200);
    expect(await status('/api/dashboard/figures', BUREAU_COUNTY)).toBe(200); // its own scope by default
    expect(await status('/api/dashboard/figures?region=4418', BUREAU_COUNTY)).toBe(403); // above its scope
    expect(await status('/api/dashboard/figures?region=441802', BUREAU_COUNTY)).toBe(403); // beside it
    expect(await status('/api/dashboard/summary?region=441802', BUREAU_COUNTY)).toBe(403);
    expect(await status('/api/dashboard/needs?region=441802', BUREAU_COUNTY)).toBe(403);
    expect(await status('/api/dashboard/figures?region=4418', AUDITOR)).toBe(200);
    expect(await status('/api/dashboard/figures?region=44', AUDITOR)).toBe(403);
    expect(await status('/api/dashboard/figures?region=44', ADMIN)).toBe(200);
    for (const actor of [{ id: 'dash-c', role: 'coordinator', scope: '441826105' }, { id: 'dash-o', role: 'organization', organizationId: EDU }, hubAdmin] as TestActor[]) {
      expect(await status('/api/dashboard/figures?region=441826105', actor)).toBe(403);
      expect(await status('/api/dashboard/needs?region=441826105', actor)).toBe(403);
    }
    expect(await status('/api/dashboard/figures')).toBe(401);
    expect(await status('/api/dashboard/figures?region=441899', ADMIN)).toBe(404); // no such county
    expect(await status('/api/dashboard/figures?region=44182', ADMIN)).toBe(400);
    expect(await status('/api/dashboard/figures?region=441826105201', ADMIN)).toBe(400); // villages are not a level
    expect(await status('/api/dashboard/figures?period=year', ADMIN)).toBe(400);
    expect(await status('/api/dashboard/figures?region=441826&level=city', ADMIN)).toBe(422); // above the region
    expect(await status('/api/dashboard/figures?from=2025-02-30', ADMIN)).toBe(422);
    expect(await status('/api/dashboard/figures?from=2025-03-01&to=2025-02-01', ADMIN)).toBe(422);
    expect(await status('/api/dashboard/needs?bucket=2025-W60&period=week', ADMIN)).toBe(422);
    expect(await status('/api/dashboard/needs?bucket=2025-Q1&period=month', ADMIN)).toBe(422);
    expect(await status('/api/dashboard/needs?figure=everything', ADMIN)).toBe(400);
    expect(await status('/api/dashboard/needs?pageSize=1000', ADMIN)).toBe(400);
    expect(await status('/api/dashboard/figures?format=xml', ADMIN)).toBe(400);
  });

  it('shows rates that a replay of the event store gives too, for every city and month', async () => {
    // Straight from the log: fold every need stream with the needs decider, then count by hand.
    const streams = new Map<string, NeedEvent[]>();
    for (const e of await t.store.readAll(-1, 1_000_000)) {
      if (!e.streamName.startsWith('need-')) continue;
      streams.set(e.streamName, [...(streams.get(e.streamName) ?? []), { type: e.type, data: e.data } as NeedEvent]);
    }
    const replayed = new Map<string, { published: number; matched: number; fulfilled: number }>();
    for (const events of streams.values()) {
      const state: NeedState = fold(needDecider, events);
      if (!state.publishedAt) continue;
      const month = new Date(Date.parse(state.publishedAt) + 8 * 3_600_000).toISOString().slice(0, 7); // China time
      const key = `${state.villageCode.slice(0, 4)} ${month}`;
      const r = replayed.get(key) ?? { published: 0, matched: 0, fulfilled: 0 };
      r.published += 1;
      if (state.firstAcceptedAt) r.matched += 1;
      if (state.fulfilledAt) r.fulfilled += 1;
      replayed.set(key, r);
    }
    const dashboard = await get('/api/dashboard/figures?region=44&level=city&period=month', await actAs(t, ADMIN));
    const shown = new Map<string, { matchRate: number | null; conversionRate: number | null }>(
      dashboard.rows.map((r: { region: { code: string }; period: { key: string }; matchRate: number; conversionRate: number }) => [`${r.region.code} ${r.period.key}`, { matchRate: r.matchRate, conversionRate: r.conversionRate }]),
    );
    expect([...shown.keys()].sort()).toEqual([...replayed.keys()].sort());
    for (const [key, r] of replayed) {
      expect([key, shown.get(key)]).toEqual([key, { matchRate: r.matched / r.published, conversionRate: r.matched ? r.fulfilled / r.matched : null }]);
    }
    expect(shown.get('4418 2025-01')).toEqual({ matchRate: 0.8, conversionRate: 0.5 });
  });
});
