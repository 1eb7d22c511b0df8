import { CommandBus } from '@nestjs/cqrs';
import { ExecuteNeedCommand, NeedExpirySweeper } from '@shecun/needs';
import { RegionsService } from '@shecun/regions';
import { randomUUID } from 'node:crypto';
import { seedDemo } from '../../apps/standalone/src/seed/demo-seed';
import { actAs, COORDINATOR, futureDate, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

describe('app surface: OpenAPI, health, demo seed, expiry sweep', () => {
  let t: TestApp;
  let coordinator: Record<string, string>;
  beforeAll(async () => {
    t = await startEmbeddedApp();
    coordinator = await actAs(t, COORDINATOR);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('documents every route in OpenAPI at /api/docs', async () => {
    const { body } = await t.http().get('/api/docs-json').set(coordinator).expect(200);
    const paths = Object.keys(body.paths);
    for (const path of [
      '/api/needs',
      '/api/needs/{id}',
      '/api/needs/{id}/events',
      '/api/needs/{id}/publish',
      '/api/needs/{id}/revise',
      '/api/needs/{id}/withdraw',
      '/api/needs/{id}/commitments',
      '/api/needs/{id}/commitments/{cid}/accept',
      '/api/needs/{id}/commitments/{cid}/decline',
      '/api/needs/{id}/commitments/{cid}/withdraw',
      '/api/needs/{id}/commitments/{cid}/deliveries',
      '/api/needs/{id}/commitments/{cid}/deliveries/{did}/confirm',
      '/api/regions/{code}',
      '/health',
    ]) {
      expect(paths).toContain(path);
    }
    await t.http().get('/api/docs').set(coordinator).expect(200);
  });

  it('reports healthy once projections caught up', async () => {
    const { body } = await t.http().get('/health').set(coordinator).expect(200);
    expect(body.projections).toEqual([expect.objectContaining({ name: 'identity', caughtUp: true }), expect.objectContaining({ name: 'needs', caughtUp: true })]);
  });

  it('seeds the demo with needs in every status, and a second run appends nothing', async () => {
    const admin = await actAs(t, { id: 'admin-1', role: 'admin' });
    const before = await t.eventCount();
    await seedDemo(t.app);
    const seeded = await t.eventCount();
    expect(seeded).toBeGreaterThan(before + 50);
    await seedDemo(t.app);
    expect(await t.eventCount()).toBe(seeded);
    await t.projections.waitFor(await t.store.headPosition());
    for (const status of ['draft', 'published', 'partially_committed', 'fully_committed', 'delivered', 'fulfilled', 'closed', 'withdrawn', 'expired']) {
      const { body } = await t.http().get('/api/needs').set(admin).query({ status }).expect(200);
      expect({ status, total: body.total > 0 }).toEqual({ status, total: true });
    }
    const cities = new Set<string>();
    const { body } = await t.http().get('/api/needs').set(coordinator).query({ pageSize: 100 }).expect(200);
    for (const need of body.items) cities.add(need.villageCode.slice(0, 4));
    for (const city of ['4414', '4408', '4418', '4412', '4401']) expect(cities).toContain(city);
    expect(body.items.some((n: { villageCode: string }) => n.villageCode.startsWith('441826105'))).toBe(true);
    expect(body.items.some((n: { overdueCount: number }) => n.overdueCount > 0)).toBe(true);
  });

  it('expires published needs past their due date that nobody took, and only those', async () => {
    const bus = t.app.get(CommandBus);
    const village = t.app.get(RegionsService).children('441826105')[1].code;
    const past = new Date(Date.now() - 10 * 86_400_000);
    const dueDate = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    const draft = (needId: string) =>
      bus.execute(new ExecuteNeedCommand(needId, {
        type: 'DraftNeed', needId, villageCode: village, title: '过期测试', description: '', category: 'care', publish: true, autoAccept: false, dueDate,
        lineItems: [{ kind: 'goods', description: '米', unit: '袋', quantity: 5 }],
      }, { actor: { id: 'cadre', role: 'coordinator', scope: '44' }, commandId: randomUUID(), correlationId: randomUUID() }, past));
    const idle = randomUUID();
    const taken = randomUUID();
    await draft(idle);
    await draft(taken);
    await bus.execute(new ExecuteNeedCommand(taken, {
      type: 'OfferCommitment', commitmentId: 'c1', organizationId: 'org-1', organizationName: '某基金会', items: [{ lineItemId: 'L1', quantity: 5 }], promisedBy: futureDate(1), note: '',
    }, { actor: { id: 's', role: 'organization', organizationId: 'org-1' }, commandId: randomUUID(), correlationId: randomUUID() }, past));
    await bus.execute(new ExecuteNeedCommand(taken, { type: 'AcceptCommitment', commitmentId: 'c1' }, { actor: { id: 'cadre', role: 'coordinator', scope: '44' }, commandId: randomUUID(), correlationId: randomUUID() }, past));
    await t.projections.waitFor(await t.store.headPosition());

    const expired = await t.app.get(NeedExpirySweeper).sweep();
    expect(expired).toContain(idle);
    expect(expired).not.toContain(taken);
    const history = await t.http().get(`/api/needs/${idle}/events`).set(coordinator).expect(200);
    expect(history.body.at(-1)).toMatchObject({ type: 'NeedExpired', actor: { id: 'system', role: 'system' } });
  });
});
