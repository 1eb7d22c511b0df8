import { actAs, COORDINATOR, futureDate, removeDir, startEmbeddedApp, staffOf, TestActor, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';

/**
 * 组团帮扶 over HTTP: a hub forms a team, invites organizations, they accept or decline; the hub
 * commits to a need on behalf of the team with each member's share; the needs context decides on
 * its own team-roster and standings views (fed by events) and shows the team on the commitment.
 */
describe('teams over HTTP (embedded)', () => {
  let t: TestApp;
  const hubAdmin: TestActor = { id: 'hub-admin-fed', role: 'hub', organizationId: 'org-t-hub' };
  const assocAdmin: TestActor = { id: 'hub-admin-assoc', role: 'hub', organizationId: 'org-t-assoc' };
  const plainAdmin: TestActor = { id: 'hub-admin-plain', role: 'hub', organizationId: 'org-t-plain' };
  const bureau: TestActor = { id: 'mzj-gz-teams', role: 'bureau', scope: '4401' };
  const ORGS = ['org-t-hub', 'org-t-assoc', 'org-t-edu', 'org-t-light', 'org-t-bad', 'org-t-plain', 'org-t-late'];
  let needId = '';

  beforeAll(async () => {
    t = await startEmbeddedApp();
    // Sign everyone in up front, so that counting events around a request counts only that request's.
    for (const actor of [hubAdmin, assocAdmin, plainAdmin, bureau, COORDINATOR, ...ORGS.map(staffOf)]) await actAs(t, actor);
    await registerOrganizations(t, [
      { id: 'org-t-hub', name: '广州市社会组织联合会', hubKind: 'hub' },
      { id: 'org-t-assoc', name: '广州市新能源行业协会', hubKind: 'industry_association' },
      { id: 'org-t-edu', name: '广州市教育基金会', type: 'foundation' },
      { id: 'org-t-light', name: '广州市照明电器协会' },
      { id: 'org-t-bad', name: '广州市某异常协会' },
      { id: 'org-t-plain', name: '广州市普通协会' },
      { id: 'org-t-late', name: '广州市迟到协会' },
    ]);
    const need = await t.http().post('/api/needs').set(await actAs(t, COORDINATOR)).send({
      villageCode: '441826105201',
      title: '南岗村助学与路灯',
      category: 'education',
      publish: true,
      dueDate: futureDate(90),
      lineItems: [
        { kind: 'funds', description: '瑶族学生助学金', quantity: 1_000_000 },
        { kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 20 },
      ],
    }).expect(201);
    needId = need.body.needId;
    await t.projections.waitFor(need.body.position);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const form = async (actor: TestActor, over: Record<string, unknown> = {}) =>
    t.http().post('/api/teams').set(await actAs(t, actor)).send({
      leadOrganizationId: actor.organizationId, targetCode: '441826105', title: '三排镇教育照明组团', categories: ['education', 'industry'], targetNeedIds: [needId], leadShare: 20, ...over,
    });

  it('is formed only by the admin of a hub or industry association, for a known target area', async () => {
    const refused = await form(plainAdmin);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/only hubs and industry associations lead teams/);
    expect((await t.http().post('/api/teams').set(await actAs(t, staffOf('org-t-hub'))).send({ leadOrganizationId: 'org-t-hub', targetCode: '441826105', title: 'x', categories: ['care'] })).status).toBe(403);
    expect((await form(assocAdmin, { leadOrganizationId: 'org-t-hub' })).status).toBe(403);
    expect((await form(hubAdmin, { targetCode: '4418999' })).status).toBe(400);
    const unknownArea = await form(hubAdmin, { targetCode: '441899' });
    expect(unknownArea.status).toBe(422);
    expect(unknownArea.body.detail).toMatch(/not a known Guangdong division code/);
    expect((await form(hubAdmin, { leadShare: 120 })).status).toBe(400);
    const anonymous = await t.http().post('/api/teams').send({});
    expect(anonymous.status).toBe(401);
    const formed = await form(assocAdmin);
    expect(formed.status).toBe(201);
    expect(formed.body.team).toMatchObject({ status: 'active', leadHubKind: 'industry_association', members: [expect.objectContaining({ organizationId: 'org-t-assoc', role: 'lead', share: 20 })] });
  });

  it('invites organizations; invitees accept (in good standing) or decline; the roster shows roles and shares; then commits on behalf of its members', async () => {
    const formed = await form(hubAdmin);
    expect(formed.status).toBe(201);
    const teamId: string = formed.body.teamId;
    const hub = await actAs(t, hubAdmin);
    const invite = (organizationId: string, role: string, share: number) => t.http().post(`/api/teams/${teamId}/invitations`).set(hub).send({ organizationId, role, share });
    expect((await invite('org-t-edu', 'funding', 40)).status).toBe(201);
    expect((await invite('org-t-light', 'implementing', 20)).status).toBe(201);
    expect((await invite('org-t-bad', 'implementing', 10)).status).toBe(201);
    expect((await invite('org-t-plain', 'implementing', 5)).status).toBe(201);
    expect((await invite('org-t-late', 'implementing', 5)).status).toBe(201);
    const tooMuch = await invite('org-t-assoc', 'funding', 1);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.detail).toMatch(/add up to 101%/);
    expect((await invite('org-t-edu', 'funding', 1)).status).toBe(409);
    expect((await invite('org-t-assoc', 'funding', 0)).status).toBe(400);
    expect((await t.http().post(`/api/teams/${teamId}/invitations`).set(await actAs(t, staffOf('org-t-edu'))).send({ organizationId: 'org-t-assoc', role: 'funding', share: 1 })).status).toBe(403);

    // Only the invitee's own staff answer.
    expect((await t.http().post(`/api/teams/${teamId}/invitations/org-t-edu/accept`).set(await actAs(t, staffOf('org-t-light')))).status).toBe(403);
    for (const org of ['org-t-edu', 'org-t-light', 'org-t-bad']) {
      const res = await t.http().post(`/api/teams/${teamId}/invitations/${org}/accept`).set(await actAs(t, staffOf(org)));
      expect(res.status).toBe(200);
    }
    const declined = await t.http().post(`/api/teams/${teamId}/invitations/org-t-plain/decline`).set(await actAs(t, staffOf('org-t-plain'))).send({ reason: '本季度人手不足' });
    expect(declined.status).toBe(200);

    // Abnormal-listed organizations cannot join: org-t-late is listed before it answers.
    const listed = await t.http().post('/api/organizations/org-t-late/abnormal').set(await actAs(t, bureau)).send({ reason: '未报送年报' }).expect(200);
    await t.projections.waitFor(listed.body.position);
    const before = await t.eventCount();
    const late = await t.http().post(`/api/teams/${teamId}/invitations/org-t-late/accept`).set(await actAs(t, staffOf('org-t-late')));
    expect(late.status).toBe(403);
    expect(late.body.detail).toMatch(/listed as abnormal may not join teams/);
    expect(await t.eventCount()).toBe(before);

    await t.projections.waitFor(await t.store.headPosition());
    const roster = await t.http().get(`/api/teams/${teamId}`).expect(200);
    expect(roster.body).toMatchObject({ status: 'active', leadOrganizationId: 'org-t-hub', sharesCommitted: 95 });
    expect(roster.body.members.map((m: { organizationId: string; role: string; status: string; share: number }) => [m.organizationId, m.role, m.status, m.share])).toEqual([
      ['org-t-hub', 'lead', 'member', 20],
      ['org-t-edu', 'funding', 'member', 40],
      ['org-t-light', 'implementing', 'member', 20],
      ['org-t-bad', 'implementing', 'member', 10],
      ['org-t-plain', 'implementing', 'declined', 5],
      ['org-t-late', 'implementing', 'invited', 5],
    ]);
    const mine = await t.http().get('/api/teams').query({ organizationId: 'org-t-edu' }).expect(200);
    expect(mine.body.items.map((x: { id: string }) => x.id)).toEqual([teamId]);
    expect((await t.http().get('/api/teams').query({ organizationId: 'org-t-plain' }).expect(200)).body.total).toBe(0);
    expect((await t.http().get('/api/teams').query({ division: '4418', status: 'active' }).expect(200)).body.total).toBe(2);

    // org-t-bad is listed as abnormal after joining: it may take no share of a team commitment.
    const badListed = await t.http().post('/api/organizations/org-t-bad/abnormal').set(await actAs(t, bureau)).send({ reason: '年检不合格' }).expect(200);
    await t.projections.waitFor(badListed.body.position);

    const commit = (shares: unknown, items = [{ lineItemId: 'L1', quantity: 1_000_000 }, { lineItemId: 'L2', quantity: 20 }]) =>
      t.http().post(`/api/needs/${needId}/commitments`).set(hub).send({ organizationId: 'org-t-hub', organizationName: '联合会', teamId, items, promisedBy: futureDate(30), shares });
    const good = [
      { organizationId: 'org-t-edu', items: [{ lineItemId: 'L1', quantity: 800_000 }] },
      { organizationId: 'org-t-hub', items: [{ lineItemId: 'L1', quantity: 200_000 }] },
      { organizationId: 'org-t-light', items: [{ lineItemId: 'L2', quantity: 20 }] },
    ];

    const count = await t.eventCount();
    const short = await commit([good[0], good[1], { organizationId: 'org-t-light', items: [{ lineItemId: 'L2', quantity: 15 }] }]);
    expect(short.status).toBe(422);
    expect(short.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(short.body).toMatchObject({ lineItemId: 'L2', committed: 20, sharesTotal: 15 });
    expect(short.body.detail).toMatch(/各成员份额合计 15.*shares add up to 15 for line item L2, but the commitment covers 20/);
    const abnormalMember = await commit([good[0], good[1], { organizationId: 'org-t-bad', items: [{ lineItemId: 'L2', quantity: 20 }] }]);
    expect(abnormalMember.status).toBe(422);
    expect(abnormalMember.body).toMatchObject({ organizationId: 'org-t-bad', standing: 'abnormal' });
    expect(abnormalMember.body.detail).toMatch(/活动异常名录.*team member org-t-bad is listed as abnormal and may not take a share/);
    const notMember = await commit([good[0], good[1], { organizationId: 'org-t-plain', items: [{ lineItemId: 'L2', quantity: 20 }] }]);
    expect(notMember.status).toBe(422);
    expect(notMember.body.detail).toMatch(/not a member of the team/);
    const byMember = await t.http().post(`/api/needs/${needId}/commitments`).set(await actAs(t, staffOf('org-t-edu')))
      .send({ organizationId: 'org-t-edu', organizationName: 'x', teamId, items: [{ lineItemId: 'L1', quantity: 1 }], promisedBy: futureDate(30), shares: [{ organizationId: 'org-t-edu', items: [{ lineItemId: 'L1', quantity: 1 }] }] });
    expect(byMember.status).toBe(403);
    expect((await commit(good.map((s) => ({ ...s, items: [{ lineItemId: 'L9x', quantity: 1 }] })))).status).toBe(400);
    expect(await t.eventCount()).toBe(count);

    const offered = await commit(good);
    expect(offered.status).toBe(201);
    const commitmentId: string = offered.body.commitmentId;
    const accepted = await t.http().post(`/api/needs/${needId}/commitments/${commitmentId}/accept`).set(await actAs(t, COORDINATOR)).expect(200);
    await t.projections.waitFor(accepted.body.position);

    const detail = await t.http().get(`/api/needs/${needId}`).set(await actAs(t, COORDINATOR)).expect(200);
    expect(detail.body.status).toBe('fully_committed');
    expect(detail.body.commitments[0]).toMatchObject({
      organizationId: 'org-t-hub',
      status: 'accepted',
      team: {
        teamId,
        title: '三排镇教育照明组团',
        leadOrganizationId: 'org-t-hub',
        members: [
          { organizationId: 'org-t-edu', organizationName: '广州市教育基金会', role: 'funding', items: [{ lineItemId: 'L1', quantity: 800_000 }] },
          { organizationId: 'org-t-hub', organizationName: '广州市社会组织联合会', role: 'lead', items: [{ lineItemId: 'L1', quantity: 200_000 }] },
          { organizationId: 'org-t-light', organizationName: '广州市照明电器协会', role: 'implementing', items: [{ lineItemId: 'L2', quantity: 20 }] },
        ],
      },
    });
    // The members see the team commitment among their own commitments.
    const eduCommitments = await t.http().get('/api/organizations/org-t-edu/commitments').set(await actAs(t, staffOf('org-t-edu'))).expect(200);
    expect(eduCommitments.body).toEqual([expect.objectContaining({ id: commitmentId, organizationId: 'org-t-hub', team: { teamId, title: '三排镇教育照明组团', memberIds: ['org-t-edu', 'org-t-hub', 'org-t-light'] } })]);
    const listedForLight = await t.http().get('/api/commitments').set(await actAs(t, staffOf('org-t-light'))).expect(200);
    expect(listedForLight.body.items.map((c: { id: string }) => c.id)).toEqual([commitmentId]);
    expect((await t.http().get('/api/commitments').set(await actAs(t, staffOf('org-t-plain'))).expect(200)).body.items).toEqual([]);

    // Delivered by the lead like any commitment; then the team completes.
    await t.http().post(`/api/needs/${needId}/commitments/${commitmentId}/deliveries`).set(hub)
      .send({ items: [{ lineItemId: 'L2', quantity: 20 }], evidence: [{ kind: 'photo', ref: 'files/lamps.jpg' }] }).expect(201);
    const completed = await t.http().post(`/api/teams/${teamId}/complete`).set(hub).send({ note: '路灯安装完毕' }).expect(200);
    expect(completed.body.team).toMatchObject({ status: 'completed', closeReason: '路灯安装完毕' });
    expect((await t.http().post(`/api/teams/${teamId}/dissolve`).set(hub).send({ reason: 'x' })).status).toBe(409);
  });

  it('is dissolved with a reason by its lead; a dissolved team takes no commitments', async () => {
    const formed = await form(hubAdmin, { title: '短命组团' });
    const teamId: string = formed.body.teamId;
    const hub = await actAs(t, hubAdmin);
    expect((await t.http().post(`/api/teams/${teamId}/dissolve`).set(await actAs(t, staffOf('org-t-edu'))).send({ reason: 'x' })).status).toBe(403);
    expect((await t.http().post(`/api/teams/${teamId}/dissolve`).set(hub).send({})).status).toBe(400);
    const dissolved = await t.http().post(`/api/teams/${teamId}/dissolve`).set(hub).send({ reason: '项目取消' }).expect(200);
    expect(dissolved.body.team).toMatchObject({ status: 'dissolved', closeReason: '项目取消' });
    await t.projections.waitFor(dissolved.body.position);
    const need = await t.http().post('/api/needs').set(await actAs(t, COORDINATOR)).send({
      villageCode: '441826105202', title: '村小图书', category: 'education', publish: true, lineItems: [{ kind: 'goods', description: '图书', unit: '册', quantity: 100 }],
    }).expect(201);
    await t.projections.waitFor(need.body.position);
    const before = await t.eventCount();
    const refused = await t.http().post(`/api/needs/${need.body.needId}/commitments`).set(hub).send({
      organizationId: 'org-t-hub', organizationName: 'x', teamId, items: [{ lineItemId: 'L1', quantity: 100 }], promisedBy: futureDate(20),
      shares: [{ organizationId: 'org-t-hub', items: [{ lineItemId: 'L1', quantity: 100 }] }],
    });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/dissolved/);
    const unknown = await t.http().post(`/api/needs/${need.body.needId}/commitments`).set(hub).send({
      organizationId: 'org-t-hub', organizationName: 'x', teamId: 'no-such-team', items: [{ lineItemId: 'L1', quantity: 100 }], promisedBy: futureDate(20),
      shares: [{ organizationId: 'org-t-hub', items: [{ lineItemId: 'L1', quantity: 100 }] }],
    });
    expect(unknown.status).toBe(404);
    expect(await t.eventCount()).toBe(before);
    expect((await t.http().get('/api/teams/no-such-team')).status).toBe(404);
  });
});
