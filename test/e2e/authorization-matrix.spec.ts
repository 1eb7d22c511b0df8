import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '@shecun/core';
import { IdentityService, SessionService } from '@shecun/identity';
import { ExecuteNeedCommand, NeedCommand } from '@shecun/needs';
import { ExecuteFlowCommand, FlowRequest } from '@shecun/donations';
import { EvidenceService } from '@shecun/evidence';
import { png } from '../../libs/evidence/src/testing/fixtures';
import { randomUUID } from 'node:crypto';
import { RegionsService } from '@shecun/regions';
import { PROVINCE_BUREAU, registerOrganizations } from '../support/organizations';
import { actAs, futureDate, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';
import {
  CALLERS,
  Caller,
  commitment,
  DonationStage,
  Fixture,
  needFields,
  ORG_A,
  ORG_B,
  OrgStage,
  ROUTES,
  setCheckpoint,
  setUploadedEvidence,
  setVillage,
  Stage,
  TOWN,
  uploadedEvidence,
  VILLAGE,
} from '../support/authorization-routes';

/**
 * Every route × every role × in scope / out of scope → allow, 401, 403 or 404, with zero events
 * appended by any denied request. Routes come from the OpenAPI document, so a route added without
 * an entry here fails this test. The routes, their fixtures and the expected outcomes: test/support/authorization-routes.ts.
 */

describe('authorization matrix: route × role × scope', () => {
  let t: TestApp;
  const headers = new Map<Caller, Record<string, string>>();

  beforeAll(async () => {
    // The expiry sweep would append to past-due fixtures while a denied request is being counted.
    process.env.NEED_EXPIRY_SWEEP = 'false';
    t = await startEmbeddedApp();
    setVillage(`${TOWN}201`);
    for (const [name, actor] of Object.entries(CALLERS)) headers.set(name as Caller, actor ? await actAs(t, actor) : {});
    await registerOrganizations(t, [{ id: ORG_A, name: '广州市慈善会', hubKind: 'hub' }, { id: ORG_B, name: '广州市医师协会' }]);
    const regions = t.app.get(RegionsService);
    const below = (code: string): string[] => (code.length === 12 ? [code] : regions.children(code).flatMap((child) => below(child.code)));
    villages = below('4418').filter((c) => c !== VILLAGE()); // every village of 清远, one per fixture
    province = await actAs(t, PROVINCE_BUREAU);
    await t.app.get(IdentityService).provision({ username: 'm-login', displayName: 'login', password: 'matrix-password', grant: { role: 'auditor', scope: '44' } }, 'matrix/login');
    await t.http().post('/api/funds').set(headers.get('hub:in')!).send({ fundId: 'fund-matrix', holderOrganizationId: ORG_A, name: '矩阵基金' }).expect(201);
    const uploaded = await t.http().post('/api/evidence').set(headers.get('organization:in')!).attach('file', await png(64, 48), 'matrix.png').expect(201);
    setUploadedEvidence({ sha256: uploaded.body.sha256, file: await t.app.get(EvidenceService).resolve(uploaded.body.sha256, 'public') });
    const taken = await t.http().post('/api/audit/ledger/checkpoints').set(headers.get('admin')!).send({}).expect(201);
    setCheckpoint((await t.http().get(`/api/audit/ledger/checkpoints/${taken.body.id}`).set(headers.get('admin')!).expect(200)).body);
    await t.projections.waitFor(await t.store.headPosition());
  });
  afterAll(async () => {
    delete process.env.NEED_EXPIRY_SWEEP;
    await t.close();
    removeDir(t.dataDir);
  });

  let villages: string[] = [];
  /** The app listening on a local port, for the routes supertest cannot close early (event streams). */
  let listening: string | undefined;
  const baseUrl = async () => {
    if (!listening) {
      await t.app.listen(0, '127.0.0.1');
      listening = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    }
    return listening;
  };
  let province: Record<string, string> = {};

  /** Registers a fresh organization in 清远 or pairs ORG_A with `fresh`, through the API as provincial bureau staff. */
  async function organizationFixture(org: OrgStage | undefined, fresh: string): Promise<{ orgId: string; pairingId: string; teamId: string }> {
    const orgId = `org-f-${fresh}`;
    const pairingId = `${ORG_A}:${fresh}`;
    let teamId = '';
    if (org === 'team' || org === 'teamInvited') {
      const hub = headers.get('hub:in')!;
      const formed = await t.http().post('/api/teams').set(hub).send({ leadOrganizationId: ORG_A, targetCode: TOWN, title: `组团 ${fresh}`, categories: ['education'], leadShare: 10 }).expect(201);
      teamId = formed.body.teamId;
      if (org === 'teamInvited') await t.http().post(`/api/teams/${teamId}/invitations`).set(hub).send({ organizationId: ORG_B, role: 'implementing', share: 10 }).expect(201);
    }
    if (org === 'organization' || org === 'abnormal') {
      await registerOrganizations(t, [{ id: orgId, homeDivisionCode: '4418' }]);
      if (org === 'abnormal') await t.http().post(`/api/organizations/${orgId}/abnormal`).set(province).send({ reason: '未报送年报' }).expect(200);
    }
    if (org === 'proposed' || org === 'active') {
      await t.http().post('/api/pairings').set(province).send({ organizationId: ORG_A, targetCode: fresh, startDate: futureDate(1), endDate: futureDate(400), categories: ['education'] }).expect(201);
      if (org === 'active') await t.http().post(`/api/pairings/${pairingId}/confirm`).set(province).expect(200);
    }
    return { orgId, pairingId, teamId };
  }

  /** A fresh need in 三排镇 brought to `stage` through the real command path, and a fresh user with a grant. */
  /** A donation flow of an individual to ORG_A, brought to `stage` by ORG_A's staff through the command bus. */
  async function donationFixture(stage: DonationStage | undefined): Promise<string> {
    if (!stage) return '';
    const flowId = randomUUID();
    const staff: Actor = { id: 'fixture-staff', role: 'organization', organizationId: ORG_A };
    const run = (request: FlowRequest) => t.app.get(CommandBus).execute(new ExecuteFlowCommand(flowId, request, { actor: staff, commandId: randomUUID(), correlationId: randomUUID() }));
    await run({ type: 'PledgeDonation', donor: { kind: 'individual' }, recipient: { kind: 'organization', id: ORG_A }, resource: { kind: 'money' }, amount: 100_000, note: '' });
    if (stage === 'pledged') return flowId;
    await run({ type: 'ReceiveDonation', receiptNumber: 'R-1', amount: 100_000, receivedOn: '2026-11-20' });
    if (stage === 'transfer') await run({ type: 'AllocateDonation', allocationId: 't1', target: { kind: 'organization', id: ORG_B }, amount: 30_000, note: '' });
    if (stage === 'allocated' || stage === 'used' || stage === 'disclosed') await run({ type: 'AllocateDonation', allocationId: 'a1', target: { kind: 'village', villageCode: VILLAGE(), project: '路灯' }, amount: 50_000, note: '' });
    if (stage === 'used' || stage === 'disclosed') await run({ type: 'RecordUse', useId: 'u1', allocationId: 'a1', amount: 10_000, evidence: [{ kind: 'photo', ref: `sha256:${uploadedEvidence().sha256}`, file: uploadedEvidence().file }], usedOn: '2026-11-21', note: '' });
    if (stage === 'disclosed') await run({ type: 'DiscloseDonation' });
    return flowId;
  }

  async function fixture(stage: Stage | undefined, org?: OrgStage, donation?: DonationStage): Promise<Fixture> {
    const fresh = villages.shift()!;
    const organization = await organizationFixture(org, fresh);
    const flowId = await donationFixture(donation);
    const bus = t.app.get(CommandBus);
    const needId = randomUUID();
    const cid = `c-${randomUUID().slice(0, 8)}`;
    const did = `d-${randomUUID().slice(0, 8)}`;
    const coordinator: Actor = { id: 'fixture-coordinator', role: 'coordinator', scope: TOWN };
    const staff: Actor = { id: 'fixture-staff', role: 'organization', organizationId: ORG_A };
    const run = (actor: Actor, command: NeedCommand, at?: Date) =>
      bus.execute(new ExecuteNeedCommand(needId, command, { actor, commandId: randomUUID(), correlationId: randomUUID() }, at));
    const order: Stage[] = ['draft', 'published', 'offered', 'accepted', 'delivered', 'confirmed', 'fulfilled'];
    const reach = (s: Stage) => stage !== undefined && stage !== 'pastDue' && order.indexOf(stage) >= order.indexOf(s);
    const staffB: Actor = { id: 'fixture-staff-b', role: 'organization', organizationId: ORG_B };
    if (stage === 'overdue') {
      const past = new Date(Date.now() - 40 * 86_400_000);
      await run(coordinator, { type: 'DraftNeed', needId, villageCode: VILLAGE(), ...needFields, publish: true }, past);
      await run(staff, { type: 'OfferCommitment', commitmentId: cid, ...commitment(), promisedBy: new Date(Date.now() - 35 * 86_400_000).toISOString().slice(0, 10), note: '' }, past);
      await run(coordinator, { type: 'AcceptCommitment', commitmentId: cid }, past);
    } else if (stage === 'handoverRequested') {
      await run(coordinator, { type: 'DraftNeed', needId, villageCode: VILLAGE(), ...needFields, publish: true });
      await run(staffB, { type: 'OfferCommitment', commitmentId: cid, ...commitment(), organizationId: ORG_B, note: '' });
      await run(coordinator, { type: 'AcceptCommitment', commitmentId: cid });
      await run(staffB, { type: 'RequestHandover', commitmentId: cid, toOrganizationId: ORG_A, reason: '人手调整' });
    } else if (stage === 'pastDue') {
      const past = new Date(Date.now() - 40 * 86_400_000);
      await run(coordinator, { type: 'DraftNeed', needId, villageCode: VILLAGE(), ...needFields, dueDate: new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10), publish: true }, past);
    } else if (stage) {
      await run(coordinator, { type: 'DraftNeed', needId, villageCode: VILLAGE(), ...needFields, publish: reach('published') });
    }
    if (reach('offered')) await run(staff, { type: 'OfferCommitment', commitmentId: cid, ...commitment(), note: '' });
    if (reach('accepted')) await run(coordinator, { type: 'AcceptCommitment', commitmentId: cid });
    if (reach('delivered')) await run(staff, { type: 'RecordDelivery', commitmentId: cid, deliveryId: did, items: [{ lineItemId: 'L1', quantity: 4 }], evidence: [{ kind: 'photo', ref: 'f.jpg' }, { kind: 'photo', ref: `sha256:${uploadedEvidence().sha256}`, file: { ...uploadedEvidence().file, visibility: 'internal' } }], note: '' });
    if (reach('confirmed')) await run(coordinator, { type: 'ConfirmDelivery', commitmentId: cid, deliveryId: did, note: '' });
    if (reach('fulfilled')) await run(coordinator, { type: 'FulfilNeed', note: '' });
    const user = await t.app.get(IdentityService).provision(
      { username: `f-${randomUUID().slice(0, 12)}`, displayName: '村干部', passwordHash: 'x', grant: { role: 'coordinator', scope: `${TOWN}201` } },
      `matrix/${needId}`,
    );
    await t.projections.waitFor(await t.store.headPosition());
    return { needId, cid, did, userId: user.userId, grantId: user.grantId, ...organization, village: fresh, flowId };
  }

  /** A new session of the caller's user and grant (read from the matrix's token), as a login starts one. */
  async function ownSession(caller: Caller): Promise<Record<string, string>> {
    const matrix = headers.get(caller)!;
    if (!matrix.Authorization) return matrix;
    const claims = JSON.parse(Buffer.from(matrix.Authorization.split('.')[1], 'base64url').toString()) as { sub: string; gid: string };
    return { Authorization: `Bearer ${(await t.app.get(SessionService).startForGrant(claims.sub, claims.gid)).accessToken}` };
  }

  it('covers every route of the OpenAPI document', async () => {
    const { body } = await t.http().get('/api/docs-json').expect(200);
    const documented = Object.entries(body.paths as Record<string, object>).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.filter((route) => !ROUTES[route])).toEqual([]);
    expect(Object.keys(ROUTES).filter((route) => !documented.includes(route))).toEqual([]);
  });

  const cases = Object.entries(ROUTES).flatMap(([route, spec]) => Object.entries(spec.outcomes).map(([caller, outcome]) => ({ route, caller: caller as Caller, outcome, spec })));

  it.each(cases)('$route as $caller → $outcome', async ({ route, caller, outcome, spec }) => {
    const f = await fixture(spec.stage, spec.org, spec.donation);
    const { path, body, headers: extra = {} } = spec.request(f, CALLERS[caller]);
    const method = route.split(' ')[0];
    const before = await t.eventCount();
    if (spec.sse) {
      // An allowed stream never ends: read the status and headers, then close it.
      const controller = new AbortController();
      const answer = await fetch(`${await baseUrl()}${path}`, { headers: headers.get(caller)!, signal: controller.signal });
      const problemBody = answer.status >= 400 ? ((await answer.json()) as { detail?: string }) : undefined;
      controller.abort();
      expect({ route, caller, status: answer.status < 300 ? 'allow' : answer.status }).toEqual({ route, caller, status: outcome });
      if (problemBody) expect({ type: answer.headers.get('content-type'), detail: problemBody.detail }).toEqual({ type: expect.stringMatching(/^application\/problem\+json/), detail: expect.any(String) });
      else expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await t.eventCount()).toBe(before);
      return;
    }
    let request = method === 'POST' ? t.http().post(path) : t.http().get(path);
    request = request.set(spec.ownSession ? await ownSession(caller) : headers.get(caller)!).set(extra);
    const res = method === 'POST' ? (spec.upload ? await request.attach('file', await spec.upload(), 'evidence.png') : await request.send(body ?? {})) : await request;
    const got = res.status >= 200 && res.status < 300 ? 'allow' : res.status;
    expect({ route, caller, status: got === 'allow' ? (outcome === 'empty' ? 'empty' : 'allow') : got, detail: got === 'allow' ? undefined : res.body.detail }).toEqual({
      route,
      caller,
      status: outcome,
      detail: outcome === 'allow' || outcome === 'empty' ? undefined : expect.any(String),
    });
    if (outcome === 'empty') expect(Array.isArray(res.body) ? res.body : res.body.items).toEqual([]);
    if (got !== 'allow') {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await t.eventCount()).toBe(before);
    }
  });
});
