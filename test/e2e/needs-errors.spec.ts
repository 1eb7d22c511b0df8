import { RegionsService } from '@shecun/regions';
import { actAs, COORDINATOR, futureDate, staffOf, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/** Bad input: always a problem+json 4xx with a clear message, and never an appended event. */
describe('needs API rejections', () => {
  let t: TestApp;
  let village: string;
  let needId: string;
  let coordinator: Record<string, string>;
  let org1: Record<string, string>;
  beforeAll(async () => {
    t = await startEmbeddedApp();
    coordinator = await actAs(t, COORDINATOR);
    org1 = await actAs(t, staffOf('org-1'));
    village = t.app.get(RegionsService).children('441826105')[0].code;
    const { body } = await t.http().post('/api/needs').set(coordinator).send({
      villageCode: village, title: '村道照明', category: 'industry', publish: true,
      lineItems: [{ kind: 'goods', description: '太阳能路灯', unit: '盏', quantity: 10 }],
    }).expect(201);
    needId = body.needId;
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const expectProblem = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, detail?: RegExp) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
    if (detail) expect(res.body.detail).toMatch(detail);
  };

  type Response = { status: number; headers: Record<string, string>; body: Record<string, unknown> };
  const rows: Array<[string, () => Promise<Response>, number, RegExp?]> = [
    ['malformed JSON', () => t.http().post('/api/needs').set(coordinator).set('Content-Type', 'application/json').send('{"title": '), 400, /JSON/],
    ['missing fields', () => t.http().post('/api/needs').set(coordinator).send({}), 400, /villageCode/],
    ['float quantity', () => t.http().post('/api/needs').set(coordinator).send({ villageCode: village, title: 'x', category: 'care', lineItems: [{ kind: 'funds', description: 'x', quantity: 1.5 }] }), 400, /quantity/],
    ['unknown field', () => t.http().post('/api/needs').set(coordinator).send({ villageCode: village, title: 'x', category: 'care', lineItems: [{ kind: 'funds', description: 'x', quantity: 1 }], hack: true }), 400, /hack/],
    ['unknown category', () => t.http().post('/api/needs').set(coordinator).send({ villageCode: village, title: 'x', category: 'space', lineItems: [{ kind: 'funds', description: 'x', quantity: 1 }] }), 400, /category/],
    ['unknown village code', () => t.http().post('/api/needs').set(coordinator).send({ villageCode: '449999999999', title: 'x', category: 'care', lineItems: [{ kind: 'funds', description: 'x', quantity: 1 }] }), 422, /村/],
    ['no actor', () => t.http().post('/api/needs').send({}), 401],
    ['forged actor headers instead of a token', () => t.http().post('/api/needs').set({ 'X-Actor-Id': 'x', 'X-Actor-Role': 'coordinator' }).send({}), 401],
    ['organization posting a need', () => t.http().post('/api/needs').set(org1).send({ villageCode: village, title: 'x', category: 'care', lineItems: [{ kind: 'funds', description: 'x', quantity: 1 }] }), 403],
    ['unknown need', () => t.http().post('/api/needs/nope/publish').set(coordinator), 404],
    ['bad id characters', () => t.http().get('/api/needs/%E2%9C%93').set(coordinator), 400],
    ['publishing twice', () => t.http().post(`/api/needs/${needId}/publish`).set(coordinator), 409],
    ['commitment for a missing line item', () => t.http().post(`/api/needs/${needId}/commitments`).set(org1).send({ organizationId: 'org-1', organizationName: '某协会', items: [{ lineItemId: 'L9', quantity: 1 }], promisedBy: futureDate() }), 422, /L9/],
    ['commitment above what is lacking', () => t.http().post(`/api/needs/${needId}/commitments`).set(org1).send({ organizationId: 'org-1', organizationName: '某协会', items: [{ lineItemId: 'L1', quantity: 11 }], promisedBy: futureDate() }), 409, /lacks 10/],
    ['commitment on behalf of another organization', () => t.http().post(`/api/needs/${needId}/commitments`).set(org1).send({ organizationId: 'org-2', organizationName: '某协会', items: [{ lineItemId: 'L1', quantity: 1 }], promisedBy: futureDate() }), 403],
    ['promised date in the past', () => t.http().post(`/api/needs/${needId}/commitments`).set(org1).send({ organizationId: 'org-1', organizationName: '某协会', items: [{ lineItemId: 'L1', quantity: 1 }], promisedBy: '2020-01-01' }), 422],
    ['unknown commitment', () => t.http().post(`/api/needs/${needId}/commitments/c-1/accept`).set(coordinator), 404],
    ['bad page size', () => t.http().get('/api/needs').set(coordinator).query({ pageSize: 1000 }), 400, /pageSize/],
    ['bad division filter', () => t.http().get('/api/needs').set(coordinator).query({ division: '44a' }), 400],
    ['short idempotency key', () => t.http().post(`/api/needs/${needId}/publish`).set(coordinator).set('Idempotency-Key', 'x'), 400, /Idempotency-Key/],
  ];

  const cases = rows.map(([name, send, status, detail]) => ({ name, send, status, detail }));

  it.each(cases)('$name → problem+json, nothing appended', async ({ send, status, detail }) => {
    const before = await t.eventCount();
    const res = await send();
    expectProblem(res as never, status, detail);
    expect(await t.eventCount()).toBe(before);
  });

  it('answers a retried POST with the same Idempotency-Key with the first result and appends nothing', async () => {
    const body = { villageCode: village, title: '助农直播培训', category: 'consumption', publish: true, lineItems: [{ kind: 'training', description: '电商直播培训', quantity: 3, participants: 40 }] };
    const first = await t.http().post('/api/needs').set(coordinator).set('Idempotency-Key', 'key-0001-retry').send(body).expect(201);
    const count = await t.eventCount();
    const again = await t.http().post('/api/needs').set(coordinator).set('Idempotency-Key', 'key-0001-retry').send(body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await t.eventCount()).toBe(count);
    const reused = await t.http().post('/api/needs').set(coordinator).set('Idempotency-Key', 'key-0001-retry').send({ ...body, title: '另一个' });
    expectProblem(reused as never, 422, /Idempotency-Key/);
    expect(await t.eventCount()).toBe(count);
  });
});
