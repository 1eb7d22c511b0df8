import { IdentityService, keyId } from '@shecun/identity';
import { createPrivateKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign } from 'jsonwebtoken';
import { actAs, COORDINATOR, futureDate, removeDir, startEmbeddedApp, TestApp, testAppConfig } from '../support/embedded-app';

/** Tokens: only a valid, unexpired, correctly signed token naming an active grant gets in. */
describe('authentication', () => {
  let t: TestApp;
  let devKey: KeyObject;
  let userId: string;
  let grantId: string;
  const password = 'correct horse battery';

  beforeAll(async () => {
    t = await startEmbeddedApp();
    devKey = createPrivateKey(readFileSync(join(t.dataDir, 'keys', 'jwt-signing-key.pem'), 'utf8'));
    const account = await t.app.get(IdentityService).provision(
      { username: 'li.ming', displayName: '李明', password, grant: { role: 'coordinator', scope: '441826105' } },
      'test/li.ming',
    );
    ({ userId, grantId } = account);
    await t.projections.waitFor(account.position!);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const needBody = () => ({
    villageCode: '441826105201', title: '村道照明', category: 'industry', publish: true, dueDate: futureDate(),
    lineItems: [{ kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 10 }],
  });

  /** A token as our issuer would sign it, with any claim or key overridden. */
  const forge = (over: { key?: KeyObject; kid?: string; iss?: string; aud?: string; exp?: number; sub?: string; gid?: string } = {}) =>
    sign(
      { gid: over.gid ?? grantId, sid: '5e7c2a10-0000-4000-8000-00000000f0f0', sv: 0, iss: over.iss ?? 'shecun', aud: over.aud ?? 'shecun-api', sub: over.sub ?? userId, exp: over.exp ?? Math.floor(Date.now() / 1000) + 600 },
      (over.key ?? devKey).export({ type: 'pkcs8', format: 'pem' }) as string,
      { algorithm: 'RS256', keyid: over.kid ?? keyId(devKey) },
    );

  async function expectRefused(token: string, detail: RegExp) {
    const before = await t.eventCount();
    const res = await t.http().post('/api/needs').set('Authorization', `Bearer ${token}`).send(needBody());
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(detail);
    expect(await t.eventCount()).toBe(before);
  }

  it('signs in with username and password, and the token works', async () => {
    const login = await t.http().post('/api/auth/login').send({ username: 'Li.Ming', password }).expect(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { username: 'li.ming' }, grant: { id: grantId, role: 'coordinator', scope: '441826105' } });
    const me = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    expect(me.body.grant).toEqual({ id: grantId, role: 'coordinator', scope: '441826105' });
    const created = await t.http().post('/api/needs').set('Authorization', `Bearer ${login.body.accessToken}`).send(needBody()).expect(201);
    const [drafted] = await t.store.readStream(`need-${created.body.needId}`);
    expect(drafted.metadata).toMatchObject({ actorId: userId, actorRole: 'coordinator' });
  });

  it('refuses a wrong password or an unknown user alike, without saying which', async () => {
    const wrong = await t.http().post('/api/auth/login').send({ username: 'li.ming', password: 'nope' }).expect(401);
    const unknown = await t.http().post('/api/auth/login').send({ username: 'nobody', password }).expect(401);
    expect(wrong.body.detail).toEqual(unknown.body.detail);
    expect(wrong.headers['content-type']).toMatch(/problem\+json/);
  });

  it('refuses a missing or malformed Authorization header', async () => {
    expect((await t.http().post('/api/needs').send(needBody())).status).toBe(401);
    await expectRefused('not-a-jwt', /not a JWT/);
    const res = await t.http().get('/api/needs').set('Authorization', 'Basic bGk6bWluZw==');
    expect(res.status).toBe(401);
  });

  it('refuses an expired token', async () => {
    await expectRefused(forge({ exp: Math.floor(Date.now() / 1000) - 10 }), /expired/);
  });

  it('refuses a token signed with another key, under our key id or an unknown one', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectRefused(forge({ key: privateKey }), /invalid signature/);
    await expectRefused(forge({ key: privateKey, kid: keyId(privateKey) }), /unknown signing key/);
  });

  it('refuses a wrong issuer or audience', async () => {
    await expectRefused(forge({ iss: 'https://evil.example' }), /untrusted issuer/);
    await expectRefused(forge({ aud: 'another-api' }), /audience/);
  });

  it("refuses alg: none, and a token naming another user's grant", async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: userId, gid: grantId, iss: 'shecun', aud: 'shecun-api', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    await expectRefused(unsigned, /unsigned/);
    await expectRefused(forge({ sub: 'someone-else' }), /does not exist/);
    await expectRefused(forge({ gid: 'g-forged' }), /does not exist/);
  });

  it('stops a token at once when its grant is revoked, and records who revoked it', async () => {
    const account = await t.app.get(IdentityService).provision(
      { username: 'wang.fang', displayName: '王芳', password, grant: { role: 'coordinator', scope: '441826105' } },
      'test/wang.fang',
    );
    await t.projections.waitFor(account.position!);
    const { body } = await t.http().post('/api/auth/login').send({ username: 'wang.fang', password }).expect(200);
    const token = body.accessToken as string;
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    const bureau = await actAs(t, { id: 'bureau-qy', role: 'bureau', scope: '4418' });
    const revoked = await t.http().post(`/api/users/${account.userId}/grants/${account.grantId}/revoke`).set(bureau).send({ reason: '调离岗位' }).expect(200);
    await t.projections.waitFor(revoked.body.position);
    await expectRefused(token, /revoked/);
    await t.http().post('/api/auth/login').send({ username: 'wang.fang', password }).expect(403);
    const auditor = await actAs(t, { id: 'auditor-gd', role: 'auditor', scope: '44' });
    const audit = await t.http().get('/api/audit/access').set(auditor).expect(200);
    expect(audit.body.items.find((row: { action: string }) => row.action === 'grant-revoked')).toMatchObject({ action: 'grant-revoked', subjectId: account.userId, actorRole: 'bureau', details: { reason: '调离岗位' } });
  });

  it('publishes the verification keys as JWKS without login', async () => {
    const { body } = await t.http().get('/api/auth/jwks.json').expect(200);
    expect(body.keys).toEqual([expect.objectContaining({ kty: 'RSA', kid: keyId(devKey), alg: 'RS256', use: 'sig' })]);
    expect(JSON.stringify(body)).not.toMatch(/"d":/);
  });

  it('does not take actor headers in place of a token', async () => {
    const before = await t.eventCount();
    await t.http().post('/api/needs').set({ 'X-Actor-Id': 'cadre', 'X-Actor-Role': 'coordinator', 'X-Actor-Scope': '44' }).send(needBody()).expect(401);
    expect(await t.eventCount()).toBe(before);
    await t.http().post('/api/needs').set(await actAs(t, COORDINATOR)).set({ 'X-Actor-Role': 'admin' }).send(needBody()).expect(201);
  });
});

describe('abuse limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dataDir = mkdtempSync(join(tmpdir(), 'shecun-limits-'));
    t = await startEmbeddedApp(dataDir, testAppConfig(dataDir, { rateLimits: { perIpPerMinute: 1000, perUserPerMinute: 5, loginsPerMinute: 3 } }));
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('throttles logins per address and requests per user with 429 problem+json', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.http().post('/api/auth/login').send({ username: 'nobody', password: 'x' })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const coordinator = await actAs(t, COORDINATOR);
    const reads: number[] = [];
    for (let i = 0; i < 7; i++) reads.push((await t.http().get('/api/needs').set(coordinator)).status);
    expect(reads).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await t.http().get('/api/needs').set(coordinator);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    expect(limited.body.detail).toMatch(/too many requests/);
    // Another user is not held back by the first one's limit.
    await t.http().get('/api/needs').set(await actAs(t, { id: 'other', role: 'auditor', scope: '44' })).expect(200);
  });

  it('refuses a body over 256 KB with 413 problem+json, appending nothing', async () => {
    const coordinator = await actAs(t, { id: 'big', role: 'coordinator', scope: '441826105' });
    const before = await t.eventCount();
    const res = await t.http().post('/api/needs').set(coordinator).send({ title: 'x'.repeat(300_000) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(await t.eventCount()).toBe(before);
  });
});
