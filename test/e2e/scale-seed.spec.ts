import { validateCreditCode } from '@shecun/organizations';
import { seedScale } from '../../apps/standalone/src/seed/scale-seed';
import { actAs, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/**
 * The scale seed (`npm run seed:scale`) at a small size: what it appends is what the deciders
 * decide, taken by the organizations it registers, one need per village first, nothing later than
 * now; the projections read it; a second run appends nothing.
 */
describe('scale seed', () => {
  let t: TestApp;
  const progress: Array<[string, number, number]> = [];
  let result: Awaited<ReturnType<typeof seedScale>>;
  let startedAt = 0;

  beforeAll(async () => {
    t = await startEmbeddedApp();
    startedAt = Date.now();
    result = await seedScale(t.app, { organizations: 300, needs: 2_000, seed: 7, onProgress: (phase, done, total) => progress.push([phase, done, total]) });
    await t.projections.waitFor(await t.store.headPosition());
  }, 120_000);
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('reports what it appended, with progress up to each phase’s total', async () => {
    expect(result).toMatchObject({ organizations: 300, needs: 2_000, skipped: false });
    expect(result.villages).toBe(26_842);
    // The app's own expiry sweep may expire a need the seed left published with a due date of the last
    // two days (the seed expires a need two days after its due date, and nothing later than now).
    const all = await t.store.readAll(-1, 1_000_000);
    const swept = all.filter((e) => e.type === 'NeedExpired' && Date.parse((e.metadata as { occurredAt: string }).occurredAt) >= startedAt);
    expect(swept.every((e) => (e.metadata as { actorId: string }).actorId === 'system')).toBe(true);
    expect(result.events).toBe(all.length - swept.length);
    expect(progress[0]).toEqual(['organizations', 1, 300]);
    expect(progress.filter(([phase]) => phase === 'organizations').at(-1)).toEqual(['organizations', 300, 300]);
    expect(progress.at(-1)).toEqual(['needs', 2_000, 2_000]);
  });

  it('registers the organizations through the organizations decider: valid credit codes, read by the API', async () => {
    const admin = await actAs(t, { id: 'scale-admin', role: 'admin' });
    const page = await t.http().get('/api/organizations').query({ pageSize: 100 }).set(admin).expect(200);
    expect(page.body.total).toBe(300);
    for (const org of page.body.items) {
      expect(org.id).toMatch(/^org-s-\d+$/);
      expect(validateCreditCode(org.creditCode).valid).toBe(true);
    }
  });

  it('appends needs histories in distinct villages, taken only by registered organizations, none later than now', async () => {
    const events = await t.store.readAll(-1, 1_000_000);
    const needs = events.filter((e) => e.streamName.startsWith('need-'));
    const drafted = needs.filter((e) => e.type === 'NeedDrafted');
    expect(drafted).toHaveLength(2_000);
    // Fewer needs than villages: each in a village of its own.
    expect(new Set(drafted.map((e) => (e.data as { villageCode: string }).villageCode)).size).toBe(2_000);
    const registered = new Set(events.filter((e) => e.type === 'OrganizationRegistered').map((e) => (e.data as { organizationId: string }).organizationId));
    const offers = needs.filter((e) => e.type === 'CommitmentOffered');
    expect(offers.length).toBeGreaterThan(1_000);
    for (const offer of offers) expect(registered.has((offer.data as { organizationId: string }).organizationId)).toBe(true);
    expect(offers.some((e) => (e.data as { team?: unknown }).team)).toBe(false);
    for (const type of ['NeedPublished', 'CommitmentAccepted', 'DeliveryRecorded', 'DeliveryConfirmed', 'NeedFulfilled']) expect(needs.some((e) => e.type === type)).toBe(true);
    expect(Math.max(...events.map((e) => Date.parse(e.metadata.occurredAt)))).toBeLessThanOrEqual(startedAt + 60_000);
    // Every stream's revisions run 0, 1, 2, … as the deciders appended them.
    const revisions = new Map<string, number>();
    for (const e of events) {
      expect(e.revision).toBe((revisions.get(e.streamName) ?? -1) + 1);
      revisions.set(e.streamName, e.revision);
    }
  });

  it('serves the needs from the read models: the bureau’s dashboard counts what was published', async () => {
    const bureau = await actAs(t, { id: 'scale-bureau', role: 'bureau', scope: '44' });
    const events = await t.store.readAll(-1, 1_000_000);
    const published = events.filter((e) => e.type === 'NeedPublished').length;
    const summary = await t.http().get('/api/dashboard/summary').query({ region: '44', period: 'quarter' }).set(bureau).expect(200);
    expect(summary.body.total.needs.published).toBe(published);
  });

  it('appends nothing on a second run, and refuses one with other options', async () => {
    const head = await t.store.headPosition();
    const again = await seedScale(t.app, { organizations: 300, needs: 2_000, seed: 7 });
    expect(again.skipped).toBe(true);
    await expect(seedScale(t.app, { organizations: 300, needs: 2_000, seed: 8 })).rejects.toThrow('made with other options');
    await expect(seedScale(t.app, { organizations: 300, needs: 4_000, seed: 7 })).rejects.toThrow('made with other options');
    expect(await t.store.headPosition()).toBe(head);
  });
});
