import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '@shecun/core';
import { IdentityService } from '@shecun/identity';
import { ExecuteNeedCommand, NeedCommand } from '@shecun/needs';
import { ExecuteFlowCommand, FlowRequest } from '@shecun/donations';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { registerOrganizations } from '../support/organizations';
import { actAs, futureDate, removeDir, startEmbeddedApp, TestActor, TestApp } from '../support/embedded-app';

/**
 * Property-based fuzzing of every POST route of the OpenAPI document with malformed bodies,
 * headers and ids (10,000+ requests in all): never a 5xx, every rejection problem+json, and the
 * event log unchanged. Callers hold valid tokens, so requests get past authentication and reach
 * validation and the deciders.
 */
const TOTAL_RUNS = 10_400;
const TOWN = '441826105';
const ORG = 'org-gz-charity';

describe('fuzzing every POST route with malformed input', () => {
  let t: TestApp;
  let base: string;
  const callers: Record<string, string>[] = [];
  let ids: Record<string, string> = {};
  let routes: { template: string; hasBody: boolean }[] = [];

  beforeAll(async () => {
    process.env.NEED_EXPIRY_SWEEP = 'false';
    t = await startEmbeddedApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const actors: TestActor[] = [
      { id: 'fz-admin', role: 'admin' },
      { id: 'fz-coordinator', role: 'coordinator', scope: TOWN },
      { id: 'fz-staff', role: 'organization', organizationId: ORG },
      { id: 'fz-hub', role: 'hub', organizationId: ORG },
      { id: 'fz-bureau', role: 'bureau', scope: '4418' },
    ];
    for (const actor of actors) callers.push(await actAs(t, actor));
    await registerOrganizations(t, [{ id: ORG, name: '广州市慈善会', hubKind: 'hub' }]);

    // Real ids for every path parameter: a need with a commitment and a delivery, a user with a grant, a pairing, a donation flow.
    const bus = t.app.get(CommandBus);
    const needId = randomUUID();
    const run = (actor: Actor, command: NeedCommand) => bus.execute(new ExecuteNeedCommand(needId, command, { actor, commandId: randomUUID(), correlationId: randomUUID() }));
    const coordinator: Actor = { id: 'c', role: 'coordinator', scope: TOWN };
    const staff: Actor = { id: 's', role: 'organization', organizationId: ORG };
    await run(coordinator, { type: 'DraftNeed', needId, villageCode: `${TOWN}201`, title: '路灯', description: '', category: 'industry', lineItems: [{ kind: 'goods', description: '路灯', unit: '盏', quantity: 10 }], dueDate: futureDate(60), autoAccept: false, publish: true });
    await run(staff, { type: 'OfferCommitment', commitmentId: 'c1', organizationId: ORG, organizationName: 'x', items: [{ lineItemId: 'L1', quantity: 2 }], promisedBy: futureDate(10), note: '' });
    await run(coordinator, { type: 'AcceptCommitment', commitmentId: 'c1' });
    await run(staff, { type: 'RecordDelivery', commitmentId: 'c1', deliveryId: 'd1', items: [{ lineItemId: 'L1', quantity: 2 }], evidence: [{ kind: 'photo', ref: 'a.jpg' }], note: '' });
    const user = await t.app.get(IdentityService).provision({ username: 'fz-user', displayName: 'u', passwordHash: 'x', grant: { role: 'coordinator', scope: TOWN } }, 'fuzz/user');
    const province = await actAs(t, { id: 'fz-province', role: 'bureau', scope: '44' });
    await fetch(`${base}/api/pairings`, {
      method: 'POST',
      headers: { ...province, 'content-type': 'application/json' },
      body: JSON.stringify({ organizationId: ORG, targetCode: `${TOWN}202`, startDate: futureDate(1), endDate: futureDate(300), categories: ['education'] }),
    });
    // A donation flow received by ORG with an allocation to a village and a use of it.
    const flowId = randomUUID();
    const donate = (request: FlowRequest) => bus.execute(new ExecuteFlowCommand(flowId, request, { actor: staff, commandId: randomUUID(), correlationId: randomUUID() }));
    await donate({ type: 'PledgeDonation', donor: { kind: 'individual' }, recipient: { kind: 'organization', id: ORG }, resource: { kind: 'money' }, amount: 100_000, note: '' });
    await donate({ type: 'ReceiveDonation', receiptNumber: 'R-1', amount: 100_000, receivedOn: '2026-11-01' });
    await donate({ type: 'AllocateDonation', allocationId: 'a1', target: { kind: 'village', villageCode: `${TOWN}201`, project: '路灯' }, amount: 50_000, note: '' });
    await donate({ type: 'RecordUse', useId: 'u1', allocationId: 'a1', amount: 10_000, evidence: [], usedOn: '2026-11-02', note: '' });
    await t.projections.waitFor(await t.store.headPosition());
    ids = { needId, cid: 'c1', did: 'd1', userId: user.userId, grantId: user.grantId, org: ORG, pairing: `${ORG}:${TOWN}202`, flowId, allocationId: 'a1', useId: 'u1' };

    const doc = (await (await fetch(`${base}/api/docs-json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    routes = Object.entries(doc.paths).flatMap(([template, methods]) => (methods.post ? [{ template, hasBody: methods.post.requestBody !== undefined }] : []));
  });
  afterAll(async () => {
    delete process.env.NEED_EXPIRY_SWEEP;
    await t.close();
    removeDir(t.dataDir);
  });

  const realPath = (template: string) =>
    template.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (name === 'id') {
        if (template.startsWith('/api/organizations')) return ids.org;
        if (template.startsWith('/api/pairings')) return ids.pairing;
        if (template.startsWith('/api/donations')) return ids.flowId;
        if (template.startsWith('/api/push')) return ids.org;
        return ids.needId;
      }
      return ids[name] ?? 'x';
    });

  /** Ids no route accepts: wrong characters, too long, control characters, traversal, unicode. */
  const badId = fc.oneof(
    fc.string({ minLength: 65, maxLength: 300 }),
    fc.constantFrom('../../etc/passwd', '%00', ' ', "'; DROP TABLE events; --", '\u202e', '😀', '{id}', 'a b', 'null', '-1'),
    fc.string({ minLength: 1, maxLength: 40 }).map((s) => `${s}\u0000${s}`),
  );
  const json = fc.jsonValue({ maxDepth: 4 });
  /** An object that no DTO accepts: it always carries a property no DTO declares. */
  const objectWithUnknownKey = fc.tuple(fc.dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 6 }), fc.string({ minLength: 1, maxLength: 10 }), json).map(([o, k, v]) => ({ ...o, [`x_${k}`]: v }));

  type Malformed = { kind: string; path: string; body?: string; contentType?: string; headers?: Record<string, string> };
  const malformed = (template: string, hasBody: boolean): fc.Arbitrary<Malformed> => {
    const path = realPath(template);
    const kinds: fc.Arbitrary<Malformed>[] = [
      fc.string({ minLength: 1, maxLength: 60 }).filter((s) => { if (!s.trim()) return false; try { JSON.parse(s); return false; } catch { return true; } }).map((body) => ({ kind: 'invalid JSON', path, body, contentType: 'application/json' })),
      fc.tuple(badId, fc.nat(20)).map(([id, n]) => {
        const params = template.match(/\{\w+\}/g) ?? [];
        if (params.length === 0) return { kind: 'bad query id', path: `${path}/${encodeURIComponent(id)}`, body: '{}', contentType: 'application/json' };
        const target = params[n % params.length];
        return { kind: 'bad path id', path: realPath(template.replace(target, encodeURIComponent(id))), body: '{}', contentType: 'application/json' };
      }),
      fc.constantFrom('x', 'short', 'has space in it', 'ü'.repeat(10), 'k'.repeat(201)).map((key) => ({ kind: 'bad Idempotency-Key', path, body: '{}', contentType: 'application/json', headers: { 'Idempotency-Key': key } })),
      fc.constantFrom('a b', 'é', 'x'.repeat(129), '<script>').map((id) => ({ kind: 'bad X-Correlation-Id', path, body: '{}', contentType: 'application/json', headers: { 'X-Correlation-Id': id } })),
      fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('Bearer', 'Bearer ', 'Bearer a.b.c', 'Basic Zm9vOmJhcg==', 'bearer x'.repeat(50))).map((auth) => ({ kind: 'bad Authorization', path, body: '{}', contentType: 'application/json', headers: { Authorization: auth } })),
    ];
    if (hasBody) {
      kinds.push(
        objectWithUnknownKey.map((o) => ({ kind: 'unknown field', path, body: JSON.stringify(o), contentType: 'application/json' })),
        fc.oneof(fc.array(json, { maxLength: 5 }), fc.string(), fc.double(), fc.boolean(), fc.constant(null)).map((v) => ({ kind: 'not an object', path, body: JSON.stringify(v), contentType: 'application/json' })),
        fc.string({ minLength: 1, maxLength: 100 }).map((body) => ({ kind: 'not JSON at all', path, body, contentType: 'text/plain' })),
      );
    }
    return fc.oneof(...kinds);
  };

  it(`answers ${TOTAL_RUNS}+ malformed POSTs with 4xx problem+json and appends nothing`, async () => {
    expect(routes.length).toBeGreaterThan(20);
    const before = await t.eventCount();
    const runsPerRoute = Math.ceil(TOTAL_RUNS / routes.length);
    const seen: Record<string, number> = {};
    let sent = 0;
    for (const { template, hasBody } of routes) {
      await fc.assert(
        fc.asyncProperty(malformed(template, hasBody), fc.nat(callers.length - 1), async (m, who) => {
          const res = await fetch(`${base}${m.path}`, {
            method: 'POST',
            headers: { ...callers[who], ...(m.contentType ? { 'content-type': m.contentType } : {}), ...m.headers },
            body: m.body,
          });
          sent++;
          seen[m.kind] = (seen[m.kind] ?? 0) + 1;
          const text = await res.text();
          const outcome = { route: template, kind: m.kind, status: res.status, type: res.headers.get('content-type') ?? '' };
          if (res.status >= 500 || res.status < 400 || !outcome.type.startsWith('application/problem+json')) {
            throw new Error(`${JSON.stringify(outcome)} for ${JSON.stringify(m).slice(0, 300)}: ${text.slice(0, 300)}`);
          }
          const problem = JSON.parse(text) as { status?: number; title?: string; detail?: string };
          if (problem.status !== res.status || !problem.title || typeof problem.detail !== 'string') throw new Error(`not a problem document: ${text.slice(0, 200)}`);
        }),
        { numRuns: runsPerRoute },
      );
    }
    expect(sent).toBeGreaterThanOrEqual(TOTAL_RUNS);
    expect(Object.keys(seen).sort()).toEqual(['bad Authorization', 'bad Idempotency-Key', 'bad X-Correlation-Id', 'bad path id', 'bad query id', 'invalid JSON', 'not JSON at all', 'not an object', 'unknown field'].filter((k) => seen[k]).sort());
    expect(await t.eventCount()).toBe(before);
  }, 600_000);

  const BODY_LIMIT = 256 * 1024;
  const expectProblem = (status: number, type: string | null, text: string) => {
    expect(type ?? '').toMatch(/^application\/problem\+json/);
    const body = JSON.parse(text) as { status?: number; title?: string; detail?: string };
    expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
    return body;
  };

  it('answers JSON nested 10 to 100,000 deep with 4xx problem+json on every POST route, with a token and without, and appends nothing', async () => {
    const before = await t.eventCount();
    const nested = (kind: 'object' | 'array', depth: number) => (kind === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`);
    const outcomes: Record<string, number> = {};
    let sent = 0;
    for (const depth of [10, 100, 1_000, 10_000, 100_000]) {
      for (const kind of ['object', 'array'] as const) {
        const body = nested(kind, depth);
        for (const { template, hasBody } of [...routes, { template: '/api/auth/login', hasBody: true }]) {
          // A route without a body ignores a shallow one; deep ones are refused before any route.
          if (depth <= 32 && !hasBody) continue;
          for (const headers of [callers[sent % callers.length], {}]) {
            const res = await fetch(`${base}${realPath(template)}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
            sent++;
            const text = await res.text();
            const where = `${template} ${kind} depth ${depth} (${headers.Authorization ? 'token' : 'anonymous'}): ${res.status} ${text.slice(0, 200)}`;
            if (res.status >= 500 || res.status < 400) throw new Error(where);
            const problem = expectProblem(res.status, res.headers.get('content-type'), text);
            if (depth > 32) {
              // Over the body limit the size answers first (413); under it, the depth (400).
              const expected = Buffer.byteLength(body) > BODY_LIMIT ? 413 : 400;
              if (res.status !== expected) throw new Error(`expected ${expected}: ${where}`);
              if (expected === 400) expect(problem.detail).toBe('请求体嵌套过深 (JSON nested deeper than 32 levels)');
            }
            outcomes[res.status] = (outcomes[res.status] ?? 0) + 1;
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(routes.length * 16);
    expect(outcomes[400]).toBeGreaterThan(routes.length * 14);
    expect(Object.keys(outcomes).every((status) => Number(status) < 500)).toBe(true);
    expect(await t.eventCount()).toBe(before);
  }, 600_000);

  it('answers a body of one long JSON string holding brackets as an ordinary validation error, not as nesting', async () => {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'x', password: '['.repeat(100), extra: '{'.repeat(10_000) }) });
    expect(res.status).toBe(400);
    expect(expectProblem(400, res.headers.get('content-type'), await res.text()).detail).toMatch(/extra/);
  });

  /** A request written on a raw socket (no client library in between), and the whole answer read until the server closes. */
  const rawRequest = (head: string, body = '') =>
    new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
      const { port } = new URL(base);
      const socket = connect(Number(port), '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      // The server may close while the rest of the request is still being written.
      socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const [headers, ...rest] = text.split('\r\n\r\n');
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0), headers, body: rest.join('\r\n\r\n') });
      });
      socket.write(head + body);
    });

  it('answers oversized headers with 431 problem+json, on a raw socket and through an HTTP client, and goes on serving', async () => {
    const before = await t.eventCount();
    const body = JSON.stringify({ username: 'x', password: 'y' });
    const cases: Array<[string, string]> = [
      ['a 100,000-character Idempotency-Key', `Idempotency-Key: ${'k'.repeat(100_000)}\r\n`],
      ['a 100 KB cookie', `Cookie: session=${'c'.repeat(100 * 1024)}\r\n`],
      ['a thousand 40-byte headers', Array.from({ length: 1_000 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(28)}\r\n`).join('')],
    ];
    for (const [name, extra] of cases) {
      for (const path of ['/api/auth/login', realPath(routes[0].template)]) {
        const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${callers[0].Authorization ? `Authorization: ${callers[0].Authorization}\r\n` : ''}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n`;
        const res = await rawRequest(head, body);
        if (res.status !== 431) throw new Error(`${name} on ${path}: ${res.headers.slice(0, 200)}`);
        expect(res.headers).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/i);
        expect(expectProblem(431, 'application/problem+json', res.body).detail).toMatch(/^请求头过大 \(request headers larger than 16 KB in all\)$/);
      }
    }
    // Node's own HTTP client, sending a 100,000-character Idempotency-Key.
    const viaClient = await new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
      const req = httpRequest(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'Idempotency-Key': 'k'.repeat(100_000) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(viaClient.status).toBe(431);
    expectProblem(431, viaClient.type, viaClient.text);
    // A request line the parser cannot read is a 400 problem too.
    const garbled = await rawRequest('POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n');
    expect(garbled.status).toBe(400);
    expect(garbled.headers).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/i);
    expectProblem(400, 'application/problem+json', garbled.body);
    // The server goes on answering.
    expect((await fetch(`${base}/api/docs-json`)).status).toBe(200);
    expect(await t.eventCount()).toBe(before);
  }, 120_000);

  it('answers an over-long Idempotency-Key within the header limit with 400 problem+json, with a token and without', async () => {
    const before = await t.eventCount();
    for (const key of ['k'.repeat(201), 'k'.repeat(10_000), 'short']) {
      for (const [path, headers] of [['/api/auth/login', {}], [realPath(routes[0].template), callers[1]], [realPath(routes[0].template), {}]] as const) {
        const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'Idempotency-Key': key }, body: '{}' });
        expect(res.status).toBe(400);
        expect(expectProblem(400, res.headers.get('content-type'), await res.text()).detail).toMatch(/^Idempotency-Key 须为 8-200 个字母、数字或 \._:- \(Idempotency-Key must be 8-200 letters, digits or \._:-\)$/);
      }
    }
    expect(await t.eventCount()).toBe(before);
  });
});
