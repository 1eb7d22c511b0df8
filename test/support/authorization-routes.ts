/**
 * The routes of the authorization matrix (test/e2e/authorization-matrix.spec.ts): for every route of
 * the OpenAPI document, the fixture it needs, the request it sends and the outcome expected of every
 * caller (role × in scope / out of scope). The spec prepares the app and runs the cases.
 */
import { EvidenceFileRef } from '@shecun/evidence';
import { randomUUID } from 'node:crypto';
import { makeCreditCode } from '@shecun/organizations';
import { png } from '../../libs/evidence/src/testing/fixtures';
import { futureDate, TestActor } from './embedded-app';

export const TOWN = '441826105'; // 三排镇, 连南瑶族自治县, 清远市
export const ORG_A = 'org-gz-charity';
export const ORG_B = 'org-gz-doctors';

export const CALLERS: Record<string, TestActor | undefined> = {
  anonymous: undefined,
  'coordinator:in': { id: 'm-coord-in', role: 'coordinator', scope: TOWN },
  'coordinator:out': { id: 'm-coord-out', role: 'coordinator', scope: '441826106' },
  'organization:in': { id: 'm-org-in', role: 'organization', organizationId: ORG_A },
  'organization:out': { id: 'm-org-out', role: 'organization', organizationId: ORG_B },
  'hub:in': { id: 'm-hub-in', role: 'hub', organizationId: ORG_A },
  'hub:out': { id: 'm-hub-out', role: 'hub', organizationId: ORG_B },
  'bureau:in': { id: 'm-bureau-in', role: 'bureau', scope: '4418' },
  'bureau:out': { id: 'm-bureau-out', role: 'bureau', scope: '4401' },
  'auditor:in': { id: 'm-auditor-in', role: 'auditor', scope: '4418' },
  'auditor:out': { id: 'm-auditor-out', role: 'auditor', scope: '4401' },
  admin: { id: 'm-admin', role: 'admin' },
};
export type Caller = keyof typeof CALLERS;
/** allow: 2xx; empty: 2xx with nothing listed (the caller may ask, but sees none of it). */
export type Outcome = 'allow' | 'empty' | 401 | 403 | 404;

/** Expectations from a default and exceptions. Anonymous callers get 401 on every non-public route. */
const expect_ = (fallback: Outcome, exceptions: Partial<Record<Caller, Outcome>> = {}): Record<Caller, Outcome> =>
  Object.fromEntries(Object.keys(CALLERS).map((c) => [c, c === 'anonymous' ? 401 : (exceptions[c as Caller] ?? fallback)])) as Record<Caller, Outcome>;
const everyone = (): Record<Caller, Outcome> => Object.fromEntries(Object.keys(CALLERS).map((c) => [c, 'allow'])) as Record<Caller, Outcome>;

/** handoverRequested: ORG_B holds an accepted commitment and asks ORG_A to take it over; overdue: ORG_A's accepted commitment is past its promised date. */
export type Stage = 'draft' | 'published' | 'offered' | 'accepted' | 'delivered' | 'confirmed' | 'fulfilled' | 'pastDue' | 'handoverRequested' | 'overdue';
/**
 * Organization fixtures: a fresh organization registered in 清远 (4418), a pairing of ORG_A with a
 * fresh village, or a team led by ORG_A (a hub) for 三排镇 (teamInvited: ORG_B invited to it).
 */
export type OrgStage = 'organization' | 'abnormal' | 'proposed' | 'active' | 'team' | 'teamInvited';
export interface Fixture {
  needId: string;
  cid: string;
  did: string;
  userId: string;
  grantId: string;
  orgId: string;
  pairingId: string;
  teamId: string;
  /** A village of 连南 no fixture has used yet. */
  village: string;
  /** A donation flow received by ORG_A from an individual (when the route asks for one). */
  flowId: string;
}
/** pledged → received → allocated (to a village of 三排镇) → used; transfer: received, then 30,000 allocated onward to ORG_B. */
export type DonationStage = 'pledged' | 'received' | 'allocated' | 'used' | 'disclosed' | 'transfer';
export interface RouteSpec {
  donation?: DonationStage;
  /** A Server-Sent Events route: only the status of its answer is checked, then the stream is closed. */
  sse?: boolean;
  stage?: Stage;
  org?: OrgStage;
  request: (f: Fixture, caller: TestActor | undefined) => { path: string; body?: object; headers?: Record<string, string> };
  outcomes: Record<Caller, Outcome>;
  /** Sent with a session of the caller's own, started for this case (logout ends it). */
  ownSession?: boolean;
  /** Sent as multipart/form-data with this file as its `file` part. */
  upload?: () => Promise<Buffer>;
}

const goods = [{ kind: 'goods' as const, description: '太阳能路灯', unit: '盏', quantity: 10 }];
export const needFields = { title: '村道照明', description: '', category: 'industry' as const, lineItems: goods, dueDate: futureDate(60), autoAccept: false };
export const commitment = (caller?: TestActor) => ({ organizationId: caller?.organizationId ?? ORG_A, organizationName: '某社会组织', items: [{ lineItemId: 'L1', quantity: 4 }], promisedBy: futureDate(10) });

/** In-scope callers own the fixture: org A made the commitment in 三排镇. */
const coordinatorOnly = expect_(403, { 'coordinator:in': 'allow' });
const committingOrgOnly = expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow' });
const noticeHolders = expect_(403, { 'organization:in': 'allow', 'organization:out': 'allow', 'hub:in': 'allow', 'hub:out': 'allow', 'bureau:in': 'allow', 'bureau:out': 'allow' });
/** A flow ORG_A (广州) received and allocated to a village of 三排镇: hidden from other organizations and from coordinators elsewhere. */
const notPartyToDonation = expect_('allow', { 'organization:out': 404, 'hub:out': 404, 'coordinator:out': 404 });
const dashboardReaders = expect_(403, { 'bureau:in': 'allow', 'auditor:in': 'allow', admin: 'allow' });
const auditReaders = expect_(403, { 'bureau:in': 'allow', 'bureau:out': 'allow', 'auditor:in': 'allow', 'auditor:out': 'allow', admin: 'allow' });

export const ROUTES: Record<string, RouteSpec> = {
  'POST /api/needs': {
    request: (_f, caller) => ({ path: '/api/needs', body: { villageCode: VILLAGE(), ...needFields, publish: true, ...(caller ? {} : {}) } }),
    outcomes: coordinatorOnly,
  },
  'POST /api/needs/{id}/publish': {
    stage: 'draft',
    request: (f) => ({ path: `/api/needs/${f.needId}/publish` }),
    // A draft is seen only in scope: everyone else is told it does not exist.
    outcomes: expect_(404, { 'coordinator:in': 'allow', 'bureau:in': 403, 'auditor:in': 403, admin: 403 }),
  },
  'POST /api/needs/{id}/revise': { stage: 'published', request: (f) => ({ path: `/api/needs/${f.needId}/revise`, body: { ...needFields, reason: '数量调整' }, headers: { 'If-Match': '*' } }), outcomes: coordinatorOnly },
  'POST /api/needs/{id}/withdraw': { stage: 'published', request: (f) => ({ path: `/api/needs/${f.needId}/withdraw`, body: { reason: '另有安排' } }), outcomes: coordinatorOnly },
  'POST /api/needs/{id}/expire': { stage: 'pastDue', request: (f) => ({ path: `/api/needs/${f.needId}/expire` }), outcomes: coordinatorOnly },
  'POST /api/needs/{id}/fulfil': { stage: 'confirmed', request: (f) => ({ path: `/api/needs/${f.needId}/fulfil`, body: { note: '完成' } }), outcomes: coordinatorOnly },
  'POST /api/needs/{id}/close': {
    stage: 'fulfilled',
    request: (f) => ({ path: `/api/needs/${f.needId}/close`, body: { note: '已公示' } }),
    outcomes: expect_(403, { 'coordinator:in': 'allow', 'bureau:in': 'allow' }),
  },
  'POST /api/needs/{id}/commitments': {
    stage: 'published',
    // Organizations commit for themselves: "out of scope" is staff of B committing in A's name.
    request: (f, caller) => ({ path: `/api/needs/${f.needId}/commitments`, body: { ...commitment(), organizationId: caller?.organizationId === ORG_B ? ORG_A : ORG_A } }),
    outcomes: committingOrgOnly,
  },
  'POST /api/needs/{id}/commitments/{cid}/accept': { stage: 'offered', request: (f) => ({ path: `/api/needs/${f.needId}/commitments/${f.cid}/accept` }), outcomes: coordinatorOnly },
  'POST /api/needs/{id}/commitments/{cid}/decline': { stage: 'offered', request: (f) => ({ path: `/api/needs/${f.needId}/commitments/${f.cid}/decline`, body: { reason: '时间不合适' } }), outcomes: coordinatorOnly },
  'POST /api/needs/{id}/commitments/{cid}/withdraw': { stage: 'accepted', request: (f) => ({ path: `/api/needs/${f.needId}/commitments/${f.cid}/withdraw`, body: { reason: '资金未到位' } }), outcomes: committingOrgOnly },
  'POST /api/needs/{id}/commitments/{cid}/deliveries': {
    stage: 'accepted',
    request: (f) => ({ path: `/api/needs/${f.needId}/commitments/${f.cid}/deliveries`, body: { items: [{ lineItemId: 'L1', quantity: 4 }], evidence: [{ kind: 'photo', ref: 'files/handover.jpg' }] } }),
    outcomes: committingOrgOnly,
  },
  'POST /api/needs/{id}/commitments/{cid}/deliveries/{did}/confirm': {
    stage: 'delivered',
    request: (f) => ({ path: `/api/needs/${f.needId}/commitments/${f.cid}/deliveries/${f.did}/confirm`, body: { note: '已验收' } }),
    outcomes: coordinatorOnly,
  },
  'GET /api/needs': { stage: 'published', request: () => ({ path: '/api/needs' }), outcomes: expect_('allow') },
  'GET /api/needs/{id}': {
    stage: 'draft',
    request: (f) => ({ path: `/api/needs/${f.needId}` }),
    outcomes: expect_(404, { 'coordinator:in': 'allow', 'bureau:in': 'allow', 'auditor:in': 'allow', admin: 'allow' }),
  },
  'GET /api/needs/{id}/events': {
    stage: 'draft',
    request: (f) => ({ path: `/api/needs/${f.needId}/events` }),
    outcomes: expect_(404, { 'coordinator:in': 'allow', 'bureau:in': 'allow', 'auditor:in': 'allow', admin: 'allow' }),
  },
  'GET /api/organizations/{id}/commitments': {
    stage: 'accepted',
    request: () => ({ path: `/api/organizations/${ORG_A}/commitments` }),
    outcomes: expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow', 'bureau:in': 'allow', 'auditor:in': 'allow', admin: 'allow', 'bureau:out': 'empty', 'auditor:out': 'empty' }),
  },
  'POST /api/organizations': {
    request: (f) => ({ path: '/api/organizations', body: { id: `org-new-${f.village}`, creditCode: makeCreditCode('social_group', '441800', Number(f.village.slice(-6))), name: '清远市新社会组织', homeDivisionCode: '4418', categories: ['care'] } }),
    outcomes: expect_(403, { 'bureau:in': 'allow' }),
  },
  'POST /api/organizations/import': {
    request: (f) => ({
      path: '/api/organizations/import',
      body: { content: Buffer.from(`统一社会信用代码,名称,登记地行政区划代码,服务领域\n${makeCreditCode('foundation', '441800', Number(f.village.slice(-6)))},清远市导入基金会,4418,care\n`).toString('base64') },
    }),
    // Bureau staff only; bureau:out gets its report with the row rejected as outside its scope, nothing appended (organizations-import.spec).
    outcomes: expect_(403, { 'bureau:in': 'allow', 'bureau:out': 'allow' }),
  },
  'GET /api/organizations': { request: () => ({ path: '/api/organizations' }), outcomes: everyone() },
  'GET /api/organizations/{id}': { request: () => ({ path: `/api/organizations/${ORG_A}` }), outcomes: everyone() },
  'GET /api/organizations/{id}/events': { request: () => ({ path: `/api/organizations/${ORG_A}/events` }), outcomes: everyone() },
  // Public; commitments and the delivery record inside follow GET /api/organizations/{id}/commitments (organization-profile.spec).
  'GET /api/organizations/{id}/profile': { stage: 'accepted', request: () => ({ path: `/api/organizations/${ORG_A}/profile` }), outcomes: everyone() },
  'POST /api/organizations/{id}/profile': {
    request: () => ({ path: `/api/organizations/${ORG_A}/profile`, body: { categories: ['care', 'education'] } }),
    outcomes: expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow' }),
  },
  'POST /api/organizations/{id}/abnormal': { org: 'organization', request: (f) => ({ path: `/api/organizations/${f.orgId}/abnormal`, body: { reason: '未报送年报' } }), outcomes: expect_(403, { 'bureau:in': 'allow' }) },
  'POST /api/organizations/{id}/restore': { org: 'abnormal', request: (f) => ({ path: `/api/organizations/${f.orgId}/restore`, body: { note: '已补报' } }), outcomes: expect_(403, { 'bureau:in': 'allow' }) },
  'POST /api/organizations/{id}/deregister': { org: 'organization', request: (f) => ({ path: `/api/organizations/${f.orgId}/deregister`, body: { reason: '注销登记' } }), outcomes: expect_(403, { 'bureau:in': 'allow' }) },
  'POST /api/pairings': {
    request: (f) => ({ path: '/api/pairings', body: { organizationId: ORG_A, targetCode: f.village, startDate: futureDate(1), endDate: futureDate(400), categories: ['education'] } }),
    outcomes: expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow', 'bureau:in': 'allow' }),
  },
  'GET /api/pairings': { request: () => ({ path: '/api/pairings' }), outcomes: everyone() },
  'GET /api/pairings/coverage': { request: () => ({ path: '/api/pairings/coverage?division=4418' }), outcomes: everyone() },
  'GET /api/pairings/{id}': { org: 'proposed', request: (f) => ({ path: `/api/pairings/${f.pairingId}` }), outcomes: everyone() },
  'POST /api/pairings/key-areas': { request: (f) => ({ path: '/api/pairings/key-areas', body: { code: f.village } }), outcomes: expect_(403, { 'bureau:in': 'allow' }) },
  'POST /api/pairings/{id}/confirm': { org: 'proposed', request: (f) => ({ path: `/api/pairings/${f.pairingId}/confirm` }), outcomes: expect_(403, { 'bureau:in': 'allow' }) },
  'POST /api/pairings/{id}/decline': { org: 'proposed', request: (f) => ({ path: `/api/pairings/${f.pairingId}/decline`, body: { reason: '不符合条件' } }), outcomes: expect_(403, { 'bureau:in': 'allow' }) },
  'POST /api/pairings/{id}/end': {
    org: 'active',
    request: (f) => ({ path: `/api/pairings/${f.pairingId}/end`, body: { reason: '项目完成' } }),
    outcomes: expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow', 'bureau:in': 'allow' }),
  },
  'POST /api/needs/{id}/commitments/{cid}/handover': {
    stage: 'accepted',
    request: (f) => ({ path: `/api/needs/${f.needId}/commitments/${f.cid}/handover`, body: { toOrganizationId: ORG_B, reason: '人手调整' } }),
    outcomes: committingOrgOnly,
  },
  'POST /api/needs/{id}/commitments/{cid}/handover/accept': {
    stage: 'handoverRequested',
    request: (f) => ({ path: `/api/needs/${f.needId}/commitments/${f.cid}/handover/accept` }),
    // The receiver (ORG_A) accepts; the holder (ORG_B) may not accept its own request.
    outcomes: expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow' }),
  },
  'POST /api/needs/{id}/commitments/{cid}/handover/decline': {
    stage: 'handoverRequested',
    request: (f) => ({ path: `/api/needs/${f.needId}/commitments/${f.cid}/handover/decline`, body: { reason: '暂无力承接' } }),
    // The receiver (ORG_A) declines, or the holder (ORG_B) calls it off.
    outcomes: expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow', 'organization:out': 'allow', 'hub:out': 'allow' }),
  },
  'GET /api/commitments': {
    stage: 'overdue',
    request: () => ({ path: '/api/commitments?overdue=true' }),
    // Each caller sees the overdue commitments it oversees: by division scope, or its own organization's.
    outcomes: expect_('allow', { 'coordinator:out': 'empty', 'organization:out': 'empty', 'hub:out': 'empty', 'bureau:out': 'empty', 'auditor:out': 'empty' }),
  },
  'POST /api/teams': {
    request: () => ({ path: '/api/teams', body: { leadOrganizationId: ORG_A, targetCode: TOWN, title: '三排镇组团', categories: ['education'], leadShare: 20 } }),
    // ORG_A is a hub: only its hub admin forms teams for it (ORG_B is no hub).
    outcomes: expect_(403, { 'hub:in': 'allow' }),
  },
  'POST /api/teams/{id}/invitations': {
    org: 'team',
    request: (f) => ({ path: `/api/teams/${f.teamId}/invitations`, body: { organizationId: ORG_B, role: 'implementing', share: 10 } }),
    outcomes: expect_(403, { 'hub:in': 'allow' }),
  },
  'POST /api/teams/{id}/invitations/{orgId}/accept': {
    org: 'teamInvited',
    request: (f) => ({ path: `/api/teams/${f.teamId}/invitations/${ORG_B}/accept` }),
    outcomes: expect_(403, { 'organization:out': 'allow', 'hub:out': 'allow' }),
  },
  'POST /api/teams/{id}/invitations/{orgId}/decline': {
    org: 'teamInvited',
    request: (f) => ({ path: `/api/teams/${f.teamId}/invitations/${ORG_B}/decline`, body: { reason: '人手不足' } }),
    outcomes: expect_(403, { 'organization:out': 'allow', 'hub:out': 'allow' }),
  },
  'POST /api/teams/{id}/complete': { org: 'team', request: (f) => ({ path: `/api/teams/${f.teamId}/complete`, body: { note: '完成' } }), outcomes: expect_(403, { 'hub:in': 'allow' }) },
  'POST /api/teams/{id}/dissolve': { org: 'team', request: (f) => ({ path: `/api/teams/${f.teamId}/dissolve`, body: { reason: '项目取消' } }), outcomes: expect_(403, { 'hub:in': 'allow' }) },
  'GET /api/teams': { org: 'team', request: () => ({ path: '/api/teams' }), outcomes: everyone() },
  'GET /api/teams/{id}': { org: 'team', request: (f) => ({ path: `/api/teams/${f.teamId}` }), outcomes: everyone() },
  // Matching: a need's candidates for its village's coordinators, bureau staff and auditors in scope, admins (not organizations);
  // recommended needs of ORG_A (registered in 广州 4401) for its own staff and hub admins, bureau staff of 4401 (bureau:out), admins;
  // a team suggestion for ORG_A (a hub) for its hub admins, bureau staff of 4401, admins.
  'GET /api/needs/{id}/candidates': {
    stage: 'published',
    request: (f) => ({ path: `/api/needs/${f.needId}/candidates` }),
    outcomes: expect_(403, { 'coordinator:in': 'allow', 'bureau:in': 'allow', 'auditor:in': 'allow', admin: 'allow' }),
  },
  'GET /api/organizations/{id}/recommended-needs': {
    stage: 'published',
    request: () => ({ path: `/api/organizations/${ORG_A}/recommended-needs` }),
    outcomes: expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow', 'bureau:out': 'allow', admin: 'allow' }),
  },
  'POST /api/teams/suggestions': {
    stage: 'published',
    request: (f) => ({ path: '/api/teams/suggestions', body: { hubOrganizationId: ORG_A, needIds: [f.needId] } }),
    outcomes: expect_(403, { 'hub:in': 'allow', 'bureau:out': 'allow', admin: 'allow' }),
  },
  'POST /api/auth/login': { request: () => ({ path: '/api/auth/login', body: { username: 'm-login', password: 'matrix-password' } }), outcomes: everyone() },
  'GET /api/auth/me': { request: () => ({ path: '/api/auth/me' }), outcomes: expect_('allow') },
  // A well-formed refresh token of no session: refused alike for everyone (the route is public).
  'POST /api/auth/refresh': { request: () => ({ path: '/api/auth/refresh', body: { refreshToken: `${randomUUID()}.0.${'A'.repeat(43)}` } }), outcomes: Object.fromEntries(Object.keys(CALLERS).map((c) => [c, 401])) as Record<Caller, Outcome> },
  // Each caller logs out a session of its own made for this case (the matrix's tokens stay valid).
  'POST /api/auth/logout': { ownSession: true, request: () => ({ path: '/api/auth/logout' }), outcomes: expect_('allow') },
  'POST /api/users/{userId}/sessions/revoke': { request: (f) => ({ path: `/api/users/${f.userId}/sessions/revoke`, body: { reason: '手机遗失' } }), outcomes: expect_(403, { admin: 'allow' }) },
  'GET /api/auth/jwks.json': { request: () => ({ path: '/api/auth/jwks.json' }), outcomes: everyone() },
  'POST /api/users': {
    request: () => ({ path: '/api/users', body: { username: `u-${randomUUID().slice(0, 8)}`, displayName: '新用户', password: 'a-long-password' } }),
    outcomes: expect_(403, { admin: 'allow', 'bureau:in': 'allow', 'bureau:out': 'allow' }),
  },
  'POST /api/users/import': {
    request: () => ({ path: '/api/users/import', body: { content: Buffer.from(`用户名,姓名,角色,范围\nu-${randomUUID().slice(0, 8)},新协调员,协调员,441826105\n`).toString('base64') } }),
    // Whoever may create users; each row is decided as POST /api/users would (bureau:out and hub admins get it rejected in the report, nothing appended; users-import.spec).
    outcomes: expect_(403, { admin: 'allow', 'bureau:in': 'allow', 'bureau:out': 'allow', 'hub:in': 'allow', 'hub:out': 'allow' }),
  },
  'POST /api/users/{userId}/grants': {
    request: (f) => ({ path: `/api/users/${f.userId}/grants`, body: { role: 'coordinator', scope: '441826105' } }),
    outcomes: expect_(403, { admin: 'allow', 'bureau:in': 'allow' }),
  },
  'POST /api/users/{userId}/grants/{grantId}/revoke': {
    request: (f) => ({ path: `/api/users/${f.userId}/grants/${f.grantId}/revoke`, body: { reason: '调岗' } }),
    outcomes: expect_(403, { admin: 'allow', 'bureau:in': 'allow' }),
  },
  'POST /api/users/{userId}/password': { request: (f) => ({ path: `/api/users/${f.userId}/password`, body: { newPassword: 'another-long-one' } }), outcomes: expect_(403, { admin: 'allow' }) },
  // Hub admins list their own organization's staff (organization staff without the admin flag may not list).
  'GET /api/users': { request: () => ({ path: '/api/users' }), outcomes: expect_(403, { admin: 'allow', 'bureau:in': 'allow', 'bureau:out': 'allow', 'hub:in': 'allow', 'hub:out': 'allow' }) },
  'GET /api/users/{userId}': { request: (f) => ({ path: `/api/users/${f.userId}` }), outcomes: expect_(404, { admin: 'allow', 'bureau:in': 'allow' }) },
  'POST /api/donations': {
    request: () => ({ path: '/api/donations', body: { donorKind: 'individual', recipientKind: 'organization', recipientId: ORG_A, resourceKind: 'money', amount: 1_000 } }),
    outcomes: committingOrgOnly,
  },
  'GET /api/donations': { donation: 'allocated', request: () => ({ path: '/api/donations' }), outcomes: expect_('allow', { 'coordinator:out': 'empty' }) },
  'GET /api/donations/{id}': { donation: 'allocated', request: (f) => ({ path: `/api/donations/${f.flowId}` }), outcomes: notPartyToDonation },
  'GET /api/donations/{id}/trace': { donation: 'allocated', request: (f) => ({ path: `/api/donations/${f.flowId}/trace` }), outcomes: notPartyToDonation },
  'POST /api/donations/{id}/receive': {
    donation: 'pledged',
    request: (f) => ({ path: `/api/donations/${f.flowId}/receive`, body: { receiptNumber: 'R-2', amount: 100_000, receivedOn: '2026-11-20' } }),
    outcomes: committingOrgOnly,
  },
  'POST /api/donations/{id}/allocations': {
    donation: 'received',
    request: (f) => ({ path: `/api/donations/${f.flowId}/allocations`, body: { targetKind: 'village', villageCode: VILLAGE(), project: '路灯', amount: 1_000 } }),
    outcomes: committingOrgOnly,
  },
  'POST /api/donations/{id}/allocations/{allocationId}/return': {
    donation: 'allocated',
    request: (f) => ({ path: `/api/donations/${f.flowId}/allocations/a1/return`, body: { amount: 1_000, reason: '结余' } }),
    outcomes: committingOrgOnly,
  },
  'POST /api/donations/{id}/allocations/{allocationId}/receive': {
    donation: 'transfer',
    request: (f) => ({ path: `/api/donations/${f.flowId}/allocations/t1/receive`, body: { receiptNumber: 'B-1', amount: 30_000, receivedOn: '2026-11-21' } }),
    outcomes: expect_(403, { 'organization:out': 'allow', 'hub:out': 'allow' }),
  },
  'POST /api/donations/{id}/uses': {
    donation: 'allocated',
    request: (f) => ({ path: `/api/donations/${f.flowId}/uses`, body: { allocationId: 'a1', amount: 1_000, usedOn: '2026-11-21', evidence: [{ kind: 'invoice', ref: 'No.1' }] } }),
    outcomes: committingOrgOnly,
  },
  'POST /api/donations/{id}/uses/{useId}/evidence': {
    donation: 'used',
    request: (f) => ({ path: `/api/donations/${f.flowId}/uses/u1/evidence`, body: { evidence: [{ kind: 'photo', ref: 'p.jpg' }] } }),
    outcomes: committingOrgOnly,
  },
  'POST /api/donations/{id}/uses/{useId}/confirm': { donation: 'used', request: (f) => ({ path: `/api/donations/${f.flowId}/uses/u1/confirm`, body: {} }), outcomes: coordinatorOnly },
  'POST /api/donations/{id}/disclose': { donation: 'received', request: (f) => ({ path: `/api/donations/${f.flowId}/disclose` }), outcomes: committingOrgOnly },
  'POST /api/donations/{id}/refunds': { donation: 'received', request: (f) => ({ path: `/api/donations/${f.flowId}/refunds`, body: { amount: 1_000, reason: '捐赠人撤回' } }), outcomes: committingOrgOnly },
  'POST /api/donations/{id}/corrections': {
    donation: 'received',
    request: (f) => ({ path: `/api/donations/${f.flowId}/corrections`, body: { amount: 90_000, receiptNumber: 'R-1b', reason: '录入错误' } }),
    outcomes: committingOrgOnly,
  },
  // ORG_A (a hub, registered in 广州 4401) may hold a fund: its own staff, or bureau staff of 4401.
  'POST /api/funds': {
    request: () => ({ path: '/api/funds', body: { holderOrganizationId: ORG_A, name: '矩阵测试基金' } }),
    outcomes: expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow', 'bureau:out': 'allow' }),
  },
  'GET /api/funds': { request: () => ({ path: '/api/funds' }), outcomes: expect_('allow') },
  'GET /api/funds/{id}': { request: () => ({ path: '/api/funds/fund-matrix' }), outcomes: expect_('allow') },
  'GET /api/audit/donations/balances': { donation: 'allocated', request: () => ({ path: '/api/audit/donations/balances' }), outcomes: auditReaders },
  'GET /api/audit/donations/anomalies': { donation: 'allocated', request: () => ({ path: '/api/audit/donations/anomalies?days=0' }), outcomes: auditReaders },
  'GET /api/audit/donations/ledger': { request: () => ({ path: '/api/audit/donations/ledger' }), outcomes: auditReaders },
  'GET /api/audit/donations/ledger.csv': { donation: 'used', request: () => ({ path: '/api/audit/donations/ledger.csv' }), outcomes: auditReaders },
  'GET /api/audit/donations/ledger.xlsx': { donation: 'used', request: () => ({ path: '/api/audit/donations/ledger.xlsx' }), outcomes: auditReaders },
  'GET /api/audit/donations/iati.xml': { donation: 'used', request: () => ({ path: '/api/audit/donations/iati.xml' }), outcomes: auditReaders },
  // Parked events of the projections: system administrators only (none is parked here: a skip finds nothing, 404).
  'GET /api/admin/parked': { request: () => ({ path: '/api/admin/parked' }), outcomes: expect_(403, { admin: 'allow' }) },
  'POST /api/admin/parked/replay': { request: () => ({ path: '/api/admin/parked/replay', body: { projection: 'needs' } }), outcomes: expect_(403, { admin: 'allow' }) },
  'POST /api/admin/parked/skip': { request: () => ({ path: '/api/admin/parked/skip', body: { projection: 'needs', eventId: 'not-parked', reason: '矩阵' } }), outcomes: expect_(403, { admin: 404 }) },
  // Ledger checkpoints: taken by auditors and administrators; listed, exported and checked against by the audit readers.
  'GET /api/audit/ledger/checkpoints': { request: () => ({ path: '/api/audit/ledger/checkpoints' }), outcomes: auditReaders },
  'POST /api/audit/ledger/checkpoints': { donation: 'received', request: () => ({ path: '/api/audit/ledger/checkpoints', body: { reason: '矩阵' } }), outcomes: expect_(403, { 'auditor:in': 'allow', 'auditor:out': 'allow', admin: 'allow' }) },
  'GET /api/audit/ledger/checkpoints/{id}': { request: () => ({ path: `/api/audit/ledger/checkpoints/${checkpoint.id}` }), outcomes: auditReaders },
  'POST /api/audit/ledger/verify': { request: () => ({ path: '/api/audit/ledger/verify', body: checkpoint }), outcomes: auditReaders },
  // Evidence files: uploaded by organizations and coordinators (a photo with a confirmation); read back by their uploader, or through the need or flow that references them.
  'POST /api/evidence': { upload: () => png(), request: () => ({ path: '/api/evidence' }), outcomes: expect_('allow', { 'bureau:in': 403, 'bureau:out': 403, 'auditor:in': 403, 'auditor:out': 403 }) },
  'GET /api/evidence/{sha256}': { request: () => ({ path: `/api/evidence/${evidence.sha256}` }), outcomes: expect_(404, { 'organization:in': 'allow', admin: 'allow' }) },
  'GET /api/needs/{id}/evidence/{sha256}': { stage: 'delivered', request: (f) => ({ path: `/api/needs/${f.needId}/evidence/${evidence.sha256}?thumbnail=true` }), outcomes: expect_('allow') },
  'GET /api/donations/{id}/evidence/{sha256}': { donation: 'used', request: (f) => ({ path: `/api/donations/${f.flowId}/evidence/${evidence.sha256}` }), outcomes: notPartyToDonation },
  'GET /api/disclosure/donations/{id}/evidence/{sha256}': { donation: 'disclosed', request: (f) => ({ path: `/api/disclosure/donations/${f.flowId}/evidence/${evidence.sha256}` }), outcomes: everyone() },
  'GET /api/disclosure/recent': { request: () => ({ path: '/api/disclosure/recent?city=4418' }), outcomes: everyone() },
  'GET /api/disclosure/organizations/{id}': { request: () => ({ path: `/api/disclosure/organizations/${ORG_A}` }), outcomes: everyone() },
  'GET /api/disclosure/needs/{id}': { stage: 'published', request: (f) => ({ path: `/api/disclosure/needs/${f.needId}` }), outcomes: everyone() },
  'GET /api/push/{id}/settings': { request: () => ({ path: `/api/push/${ORG_A}/settings` }), outcomes: committingOrgOnly },
  'POST /api/push/{id}/settings': { request: () => ({ path: `/api/push/${ORG_A}/settings`, body: { minimumScore: 40 } }), outcomes: committingOrgOnly },
  'POST /api/push/{id}/secret/rotate': { request: () => ({ path: `/api/push/${ORG_A}/secret/rotate` }), outcomes: committingOrgOnly },
  'GET /api/push/{id}/feed': { request: () => ({ path: `/api/push/${ORG_A}/feed` }), outcomes: expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow', admin: 'allow' }) },
  'GET /api/push/{id}/feed/stream': { sse: true, request: () => ({ path: `/api/push/${ORG_A}/feed/stream` }), outcomes: expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow', admin: 'allow' }) },
  'GET /api/push/{id}/deliveries': { request: () => ({ path: `/api/push/${ORG_A}/deliveries` }), outcomes: expect_(403, { 'organization:in': 'allow', 'hub:in': 'allow', admin: 'allow' }) },
  // A person's own notices: any organization's staff or hub admin, and bureau staff (the reports filed for their region), for themselves.
  'GET /api/push/notices/me': { request: () => ({ path: '/api/push/notices/me' }), outcomes: noticeHolders },
  'POST /api/push/notices/me': { request: () => ({ path: '/api/push/notices/me', body: { email: 'matrix@example.org', reason: '矩阵测试' } }), outcomes: noticeHolders },
  'GET /api/push/notices/me/log': { request: () => ({ path: '/api/push/notices/me/log' }), outcomes: noticeHolders },
  'GET /api/audit/access': {
    request: () => ({ path: '/api/audit/access' }),
    outcomes: expect_(403, { admin: 'allow', 'bureau:in': 'allow', 'bureau:out': 'allow', 'auditor:in': 'allow', 'auditor:out': 'allow' }),
  },
  // The bureau's dashboard: bureau staff and auditors asking about a region within their scope (4418 is bureau:in's and auditor:in's), administrators; others 403.
  'GET /api/dashboard/figures': { stage: 'accepted', request: () => ({ path: '/api/dashboard/figures?region=4418&level=county' }), outcomes: dashboardReaders },
  'GET /api/dashboard/summary': { stage: 'accepted', request: () => ({ path: '/api/dashboard/summary?region=4418' }), outcomes: dashboardReaders },
  'GET /api/dashboard/needs': { stage: 'accepted', request: () => ({ path: '/api/dashboard/needs?region=4418&figure=matched' }), outcomes: dashboardReaders },
  'GET /api/dashboard/figures/{figure}/events': { stage: 'accepted', request: () => ({ path: '/api/dashboard/figures/received/events?region=4418' }), outcomes: dashboardReaders },
  'GET /api/reports/bureau': { stage: 'accepted', request: () => ({ path: '/api/reports/bureau?region=4418&period=2026-11&format=xlsx' }), outcomes: dashboardReaders },
  'GET /api/reports/bureau/issued': { request: () => ({ path: '/api/reports/bureau/issued?region=4418' }), outcomes: dashboardReaders },
  'GET /api/reports/bureau/issued/{region}/{period}': { request: () => ({ path: '/api/reports/bureau/issued/4418/2020-01?format=pdf' }), outcomes: expect_(403, { 'bureau:in': 404, 'auditor:in': 404, admin: 404 }) },
  'POST /api/reports/bureau/issued': { request: () => ({ path: '/api/reports/bureau/issued', body: { period: '2020-02', reason: '矩阵' } }), outcomes: expect_(403, { admin: 'allow' }) },
  'GET /api/regions': { request: () => ({ path: '/api/regions' }), outcomes: everyone() },
  'GET /api/regions/{code}': { request: () => ({ path: `/api/regions/${TOWN}` }), outcomes: everyone() },
  'GET /api/regions/search': { request: () => ({ path: '/api/regions/search?q=三排' }), outcomes: everyone() },
  'GET /health': { request: () => ({ path: '/health' }), outcomes: everyone() },
  'GET /health/live': { request: () => ({ path: '/health/live' }), outcomes: everyone() },
};

// ---- what the spec's beforeAll prepares before any case sends its request ------------------------

let village = '';
export const VILLAGE = () => village;
export const setVillage = (code: string) => {
  village = code;
};
/** A PNG uploaded by organization:in before the cases, referenced by the delivered, used and disclosed fixtures. */
let evidence: { sha256: string; file: EvidenceFileRef } = { sha256: '', file: {} as EvidenceFileRef };
export const uploadedEvidence = () => evidence;
export const setUploadedEvidence = (uploaded: { sha256: string; file: EvidenceFileRef }) => {
  evidence = uploaded;
};
/** A ledger checkpoint taken before the cases, as the signed file an auditor keeps. */
let checkpoint: { id: string } = { id: '' };
export const setCheckpoint = (taken: { id: string }) => {
  checkpoint = taken;
};
