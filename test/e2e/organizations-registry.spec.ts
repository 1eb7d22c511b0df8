import { makeCreditCode } from '@shecun/organizations';
import { actAs, userIdOf, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/** The registry over HTTP: registration, profile, standing; directory; authorization; bad input. */
describe('organizations registry over HTTP (embedded)', () => {
  let t: TestApp;
  const qingyuanBureau = { id: 'mzj-qy-01', role: 'bureau' as const, scope: '4418' };
  const meizhouBureau = { id: 'mzj-mz-01', role: 'bureau' as const, scope: '4414' };
  const staff = { id: 'staff-qy-edu-01', role: 'organization' as const, organizationId: 'org-qy-edu' };
  const guangzhouBureau = { id: 'b', role: 'bureau' as const, scope: '4401' };
  const code = makeCreditCode('foundation', '441800', 101);
  const body = {
    id: 'org-qy-edu',
    creditCode: code,
    name: '清远市教育发展基金会',
    homeDivisionCode: '441802',
    categories: ['education', 'care'],
    contact: { person: '秘书处', phone: '0763-3300000' },
    memberUnits: [{ name: '清远某职业技术学校' }],
    description: '助学帮教',
  };

  beforeAll(async () => {
    t = await startEmbeddedApp();
    // Sign everyone in up front, so that counting events around a request counts only that request's.
    for (const actor of [qingyuanBureau, meizhouBureau, staff, guangzhouBureau]) await actAs(t, actor);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const expectProblem = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, detail?: RegExp) => {
    expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (detail) expect(res.body.detail).toMatch(detail);
  };

  it('registers, updates the profile, lists abnormal, restores and deregisters; the directory follows', async () => {
    const created = await t.http().post('/api/organizations').set(await actAs(t, qingyuanBureau)).send(body).expect(201);
    expect(created.body.organization).toMatchObject({ id: 'org-qy-edu', type: 'foundation', typeLabel: '基金会', standing: 'normal', isHub: false });

    const updated = await t.http().post('/api/organizations/org-qy-edu/profile').set(await actAs(t, staff))
      .send({ categories: ['education', 'volunteer'], memberUnits: [{ name: '清远某职业技术学校' }, { name: '清远某教育科技有限公司' }] }).expect(200);
    expect(updated.body.organization.categories).toEqual(['education', 'volunteer']);

    const listed = await t.http().post('/api/organizations/org-qy-edu/abnormal').set(await actAs(t, qingyuanBureau)).send({ reason: '未按规定报送年度工作报告' }).expect(200);
    expect(listed.body.organization).toMatchObject({ standing: 'abnormal', standingLabel: '活动异常名录', standingReason: '未按规定报送年度工作报告' });
    const abnormal = await t.http().get('/api/organizations').query({ standing: 'abnormal' }).set('X-Min-Position', String(listed.body.position)).expect(200);
    await t.projections.waitFor(listed.body.position);
    const again = await t.http().get('/api/organizations').query({ standing: 'abnormal' }).expect(200);
    expect(again.body.items.map((o: { id: string }) => o.id)).toEqual(['org-qy-edu']);
    expect(abnormal.status).toBe(200);

    await t.http().post('/api/organizations/org-qy-edu/restore').set(await actAs(t, qingyuanBureau)).send({ note: '已补报年报' }).expect(200);
    const gone = await t.http().post('/api/organizations/org-qy-edu/deregister').set(await actAs(t, qingyuanBureau)).send({ reason: '自行解散' }).expect(200);

    const detail = await t.http().get('/api/organizations/org-qy-edu').set('X-Min-Position', String(gone.body.position)).expect(200);
    expect(detail.body).toMatchObject({ standing: 'deregistered', creditCode: code, memberUnits: [{ name: '清远某职业技术学校' }, { name: '清远某教育科技有限公司' }] });
    const history = await t.http().get('/api/organizations/org-qy-edu/events').expect(200);
    expect(history.body.map((e: { type: string }) => e.type)).toEqual([
      'OrganizationRegistered', 'OrganizationProfileUpdated', 'OrganizationListedAbnormal', 'OrganizationStandingRestored', 'OrganizationDeregistered',
    ]);
    expect(history.body[0].actor).toEqual({ id: userIdOf(qingyuanBureau), role: 'bureau', organizationId: null });
    expect(history.body[1].actor).toEqual({ id: userIdOf(staff), role: 'organization', organizationId: 'org-qy-edu' });
  });

  it('searches the directory by name, field, region and hub flag, paged', async () => {
    const bureau = await actAs(t, { id: 'mzt-01', role: 'bureau', scope: '44' });
    const orgs = [
      { id: 'org-gz-fed', name: '广州市社会组织联合会', homeDivisionCode: '4401', hubKind: 'hub', categories: ['industry', 'care'], type: 'social_group' as const },
      { id: 'org-gz-ecom', name: '广州市电子商务行业协会', homeDivisionCode: '4401', hubKind: 'industry_association', categories: ['consumption'], type: 'social_group' as const },
      { id: 'org-mz-med', name: '梅州市医疗援助协会', homeDivisionCode: '441402', categories: ['health'], type: 'social_group' as const },
      { id: 'org-zq-green', name: '肇庆市绿化基金会', homeDivisionCode: '4412', categories: ['greening', 'care'], type: 'foundation' as const },
    ];
    let last = 0;
    for (const [i, o] of orgs.entries()) {
      const res = await t.http().post('/api/organizations').set(bureau)
        .send({ ...o, type: undefined, creditCode: makeCreditCode(o.type, o.homeDivisionCode.slice(0, 6).padEnd(6, '0'), 200 + i) }).expect(201);
      last = res.body.position;
    }
    await t.projections.waitFor(last);
    const ids = async (query: Record<string, string | number>) =>
      (await t.http().get('/api/organizations').query(query).expect(200)).body.items.map((o: { id: string }) => o.id);
    expect((await ids({ hub: 'true' })).sort()).toEqual(['org-gz-ecom', 'org-gz-fed']);
    expect(await ids({ category: 'care', standing: 'normal' })).toEqual(expect.arrayContaining(['org-gz-fed', 'org-zq-green']));
    expect(await ids({ category: 'care', standing: 'normal' })).toHaveLength(2);
    expect(await ids({ division: '4414' })).toEqual(['org-mz-med']);
    expect(await ids({ q: '绿化' })).toEqual(['org-zq-green']);
    expect(await ids({ q: '%' })).toEqual([]);
    expect(await ids({ type: 'foundation', standing: 'normal' })).toEqual(['org-zq-green']);
    const paged = await t.http().get('/api/organizations').query({ pageSize: 2, page: 2 }).expect(200);
    expect(paged.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(paged.body.items).toHaveLength(2);
    expect(paged.body.items[0].contact).toBeUndefined();
  });

  type Res = { status: number; headers: Record<string, string>; body: Record<string, unknown> };
  const bad = (creditCode: string) => ({ ...body, id: 'org-bad', creditCode });
  const cases: Array<[string, () => Promise<Res>, number, RegExp?]> = [
    ['check character changed', async () => t.http().post('/api/organizations').set(await actAs(t, qingyuanBureau)).send(bad(code.slice(0, 17) + (code[17] === '0' ? '1' : '0'))), 422, /GB 32100/],
    ['organization code changed', async () => t.http().post('/api/organizations').set(await actAs(t, qingyuanBureau)).send(bad(code.slice(0, 16) + (code[16] === '0' ? '1' : '0') + code[17])), 422, /GB 11714|GB 32100/],
    ['an enterprise code', async () => t.http().post('/api/organizations').set(await actAs(t, qingyuanBureau)).send(bad('9' + code.slice(1))), 422, /position 1/],
    ['type 9', async () => t.http().post('/api/organizations').set(await actAs(t, qingyuanBureau)).send(bad('59' + code.slice(2))), 422, /position 2/],
    ['17 characters', async () => t.http().post('/api/organizations').set(await actAs(t, qingyuanBureau)).send(bad(code.slice(0, 17))), 422, /18/],
    ['a credit code already registered', async () => t.http().post('/api/organizations').set(await actAs(t, qingyuanBureau)).send({ ...body, id: 'org-dup' }), 409, /already registered as org-qy-edu/],
    ['an id already registered', async () => t.http().post('/api/organizations').set(await actAs(t, qingyuanBureau)).send({ ...body, creditCode: makeCreditCode('foundation', '441800', 102) }), 409, /already registered/],
    ['unknown home division', async () => t.http().post('/api/organizations').set(await actAs(t, qingyuanBureau)).send({ ...bad(makeCreditCode('foundation', '441800', 103)), homeDivisionCode: '441899' }), 422, /division/],
    ['home division outside the bureau’s scope', async () => t.http().post('/api/organizations').set(await actAs(t, meizhouBureau)).send(bad(makeCreditCode('foundation', '441800', 104))), 403, /outside your scope/],
    ['organization staff registering', async () => t.http().post('/api/organizations').set(await actAs(t, staff)).send(bad(makeCreditCode('foundation', '441800', 105))), 403, /bureau/],
    ['no categories', async () => t.http().post('/api/organizations').set(await actAs(t, qingyuanBureau)).send({ ...bad(makeCreditCode('foundation', '441800', 106)), categories: [] }), 400, /categories/],
    ['unknown field', async () => t.http().post('/api/organizations').set(await actAs(t, qingyuanBureau)).send({ ...bad(makeCreditCode('foundation', '441800', 107)), standing: 'normal' }), 400, /standing/],
    ['another organization’s profile', async () => t.http().post('/api/organizations/org-gz-fed/profile').set(await actAs(t, staff)).send({ categories: ['care'] }), 403, /own staff/],
    ['listing abnormal outside scope', async () => t.http().post('/api/organizations/org-gz-fed/abnormal').set(await actAs(t, qingyuanBureau)).send({ reason: 'x' }), 403, /outside your scope/],
    ['restoring a normal organization', async () => t.http().post('/api/organizations/org-gz-fed/restore').set(await actAs(t, guangzhouBureau)).send({ note: 'x' }), 409, /not listed/],
    ['unknown organization', async () => t.http().post('/api/organizations/org-nope/abnormal').set(await actAs(t, qingyuanBureau)).send({ reason: 'x' }), 404],
    ['bad hub filter', async () => t.http().get('/api/organizations').query({ hub: 'maybe' }), 400, /hub/],
    ['page size above 100', async () => t.http().get('/api/organizations').query({ pageSize: 101 }), 400, /pageSize/],
    ['unknown organization profile', async () => t.http().get('/api/organizations/org-nope'), 404],
  ];

  it.each(cases.map(([name, send, status, detail]) => ({ name, send, status, detail })))('$name → problem+json, nothing appended', async ({ send, status, detail }) => {
    const before = await t.eventCount();
    expectProblem((await send()) as never, status, detail);
    expect(await t.eventCount()).toBe(before);
  });

  it('honours Idempotency-Key on registration', async () => {
    const b = { ...body, id: 'org-idem', creditCode: makeCreditCode('social_service_institution', '441800', 150) };
    const headers = { ...(await actAs(t, qingyuanBureau)), 'Idempotency-Key': 'register-org-idem-1' };
    const first = await t.http().post('/api/organizations').set(headers).send(b).expect(201);
    const count = await t.eventCount();
    const again = await t.http().post('/api/organizations').set(headers).send(b).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await t.eventCount()).toBe(count);
  });
});
