import { RegionsService } from '@shecun/regions';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actAs, COORDINATOR, removeDir, startEmbeddedApp, TestApp, testAppConfig } from '../support/embedded-app';

const DEADLINE_MS = 400;

/**
 * One read-your-writes mechanism: a command answers the position it was written at (body and
 * X-Position); a read sending it back as X-Min-Position waits for the read models, at most its
 * deadline, and says whether it reached that position or answers stale (and which read models are
 * behind).
 */
describe('read your writes (embedded)', () => {
  let t: TestApp;
  let coordinator: Record<string, string>;
  let village: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shecun-ryw-'));
    t = await startEmbeddedApp(dir, testAppConfig(dir, { readYourWritesTimeoutMs: DEADLINE_MS }));
    coordinator = await actAs(t, COORDINATOR);
    village = t.app.get(RegionsService).children('441826105')[0].code;
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const postNeed = (title: string) =>
    t.http().post('/api/needs').set(coordinator)
      .send({ villageCode: village, title, category: 'education', publish: true, lineItems: [{ kind: 'goods', description: '课桌', unit: '张', quantity: 3 }] })
      .expect(201);

  it('a command answers its position in the body and as X-Position; a read sending it back sees the write and says so', async () => {
    const { body, headers } = await postNeed('读己之写');
    expect(typeof body.position).toBe('number');
    expect(headers['x-position']).toBe(String(body.position));
    const read = await t.http().get(`/api/needs/${body.needId}`).set(coordinator).set('X-Min-Position', headers['x-position']).expect(200);
    expect(read.headers['x-consistency']).toBe('reached');
    expect(read.body.title).toBe('读己之写');
    const list = await t.http().get('/api/needs').set(coordinator).set('X-Min-Position', headers['x-position']).expect(200);
    expect(list.headers['x-consistency']).toBe('reached');
    expect(list.body.items.map((n: { id: string }) => n.id)).toContain(body.needId);
  });

  it('a read model that is behind: the read waits its deadline, then answers what it has as stale, naming the read model; once it catches up, reached', async () => {
    const needs = t.projections.runner('needs');
    await needs.stop();
    try {
      const { body } = await postNeed('投影暂停时的需求');
      const started = Date.now();
      const stale = await t.http().get('/api/needs').set(coordinator).set('X-Min-Position', String(body.position)).expect(200);
      const took = Date.now() - started;
      expect(stale.headers['x-consistency']).toBe('stale');
      expect(stale.headers['x-consistency-pending']).toBe('needs');
      expect(Number(stale.headers['x-consistency-waited-ms'])).toBeGreaterThanOrEqual(DEADLINE_MS);
      expect(took).toBeGreaterThanOrEqual(DEADLINE_MS);
      expect(stale.body.items.map((n: { id: string }) => n.id)).not.toContain(body.needId);
      await t.http().get(`/api/needs/${body.needId}`).set(coordinator).set('X-Min-Position', String(body.position)).expect(404);
    } finally {
      await needs.start();
    }
    const head = await t.store.headPosition();
    const caughtUp = await t.http().get('/api/needs').set(coordinator).set('X-Min-Position', String(head)).expect(200);
    expect(caughtUp.headers['x-consistency']).toBe('reached');
    expect(caughtUp.body.items.map((n: { title: string }) => n.title)).toContain('投影暂停时的需求');
  });

  it('a position from the future: the read answers stale after its deadline, not a stale 200 at once nor a timeout', async () => {
    const future = (await t.store.headPosition()) + 1000;
    const res = await t.http().get('/api/needs').set(coordinator).set('X-Min-Position', String(future)).expect(200);
    expect(res.headers['x-consistency']).toBe('stale');
    expect(res.headers['x-consistency-pending'].split(',')).toEqual(expect.arrayContaining(['needs', 'matching', 'monitoring']));
    expect(Number(res.headers['x-consistency-waited-ms'])).toBeGreaterThanOrEqual(DEADLINE_MS);
  });

  it('a malformed X-Min-Position is a 400 problem; a read without one does not wait or answer X-Consistency', async () => {
    for (const bad of ['abc', '-1', '1.5', '9'.repeat(30)]) {
      const res = await t.http().get('/api/needs').set(coordinator).set('X-Min-Position', bad);
      expect({ bad, status: res.status, type: res.headers['content-type'] }).toEqual({ bad, status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
    }
    const plain = await t.http().get('/api/needs').set(coordinator).expect(200);
    expect(plain.headers['x-consistency']).toBeUndefined();
  });

  it('every read route honours it, through the one interceptor: organizations and matching too', async () => {
    const { body } = await postNeed('匹配读己之写');
    const admin = await actAs(t, { id: 'test-admin', role: 'admin' });
    const candidates = await t.http().get(`/api/needs/${body.needId}/candidates`).set(admin).set('X-Min-Position', String(body.position)).expect(200);
    expect(candidates.headers['x-consistency']).toBe('reached');
    const directory = await t.http().get('/api/organizations').set('X-Min-Position', String(body.position)).expect(200);
    expect(directory.headers['x-consistency']).toBe('reached');
  });
});
