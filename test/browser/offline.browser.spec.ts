/**
 * The console as an installable app that works without a network (issue 21). A village coordinator
 * signs in; the service worker installs and takes the page. Offline, the need form still opens (from
 * the precache, its region pickers from the kept /api/regions answers), keeps what is typed across a
 * reload, and a need posted offline waits in the outbox as 待同步, across a reload too. Back online
 * it is sent with the Idempotency-Key it was kept with (已同步): the store holds one need for it, and
 * sending it again with that key makes no second one. A command the API refuses is shown as 失败 with
 * the API's own message. A delivery confirmed where the signal dropped waits in the outbox the same way.
 */
import type { Page } from '../../apps/console/node_modules/playwright-core';
import { actAs, futureDate } from '../support/embedded-app';
import { choose, newPage, Running, settled, startConsole } from './support/browser';
import { signIn, TOWN } from './support/needs-journey';

let running: Running;

beforeAll(async () => {
  running = await startConsole();
});

afterAll(async () => {
  await running?.close();
});

interface KeptItem {
  key: string;
  actorId: string;
  command: { path: string; body: Record<string, unknown> };
  state: string;
  reason?: string;
}

const outbox = async (page: Page): Promise<KeptItem[]> => JSON.parse((await page.evaluate(`localStorage.getItem('shecun.outbox')`)) ?? '[]');

/** The needs the store holds with `title`: their NeedDrafted and NeedPublished events. */
async function needEvents(title: string) {
  const events = await running.app.store.readAll(-1, 100_000);
  const drafted = events.filter((e) => e.type === 'NeedDrafted' && (e.data as { title: string }).title === title);
  const streams = new Set(drafted.map((e) => e.streamName));
  const published = events.filter((e) => e.type === 'NeedPublished' && streams.has(e.streamName));
  return { drafted, published };
}

describe('the console offline', () => {
  it('serves a web app manifest with its icons, and the service worker uncached', async () => {
    const http = running.app.http();
    const manifest = (await http.get('/manifest.webmanifest').expect(200)).body as { name: string; start_url: string; display: string; theme_color: string; icons: Array<{ src: string; sizes: string }> };
    const parsed = typeof manifest === 'object' && manifest.name ? manifest : JSON.parse((await http.get('/manifest.webmanifest')).text);
    expect(parsed).toMatchObject({ name: '社村通', start_url: '/', display: 'standalone', theme_color: '#b71c1c' });
    expect(parsed.icons.map((icon: { sizes: string }) => icon.sizes)).toEqual(['192x192', '512x512']);
    for (const icon of parsed.icons) expect((await http.get(icon.src).expect(200)).headers['content-type']).toBe('image/png');
    const sw = await http.get('/sw.js').expect(200);
    expect(sw.headers['cache-control']).toBe('no-cache');
    expect(sw.text).toContain('"/index.html"');
    expect(sw.text).not.toContain('__WB_MANIFEST');
  });

  it('opens the need form offline, keeps the draft, queues the need and sends it once when back online', async () => {
    const { context, page } = await newPage(running);
    await signIn(page, 'coordinator');
    await page.goto('/needs/new');
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
    // Once more, now through the worker: the region pickers' answers are kept for offline.
    await page.reload();
    await settled(page);
    const villages = (await running.app.http().get(`/api/regions/${TOWN}`).expect(200)).body.children as Array<{ code: string; name: string }>;

    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('need-title-input').waitFor();
    await page.getByTestId('offline-note').waitFor();
    expect(await page.getByTestId('draft-restored').count()).toBe(0);

    const TITLE = `离线登记的需求 ${Date.now()}`;
    await choose(page, 'region-village', villages[0].name);
    await page.getByTestId('need-title-input').fill(TITLE);
    await choose(page, 'need-category', '教育帮扶');
    await page.getByTestId('item-desc-0').fill('课桌椅');
    await page.getByTestId('item-quantity-0').fill('20');
    await page.getByTestId('item-unit-0').fill('套');

    // The draft survives a reload (still offline), with a note and a way to discard it.
    await page.reload();
    await page.getByTestId('draft-restored').waitFor();
    expect(await page.getByTestId('need-title-input').inputValue()).toBe(TITLE);
    expect(await page.getByTestId('item-desc-0').inputValue()).toBe('课桌椅');

    await page.getByTestId('publish-now').click();
    await page.waitForURL('**/mine');
    const item = page.getByTestId('outbox-item').filter({ hasText: TITLE });
    await item.getByText('待同步').waitFor();
    const [kept] = await outbox(page);
    expect(kept).toMatchObject({ state: 'pending', command: { path: '/api/needs', body: { title: TITLE, publish: true } } });

    // A reload offline: the outbox is still there, the draft is gone (it is in the outbox now).
    await page.reload();
    await item.getByText('待同步').waitFor();
    expect((await needEvents(TITLE)).drafted).toHaveLength(0);
    await page.goto('/needs/new');
    await page.getByTestId('need-title-input').waitFor();
    expect(await page.getByTestId('draft-restored').count()).toBe(0);
    expect(await page.getByTestId('need-title-input').inputValue()).toBe('');
    // A draft the person does not want: 丢弃草稿 empties the form, and a reload brings nothing back.
    await page.getByTestId('need-title-input').fill('不要了的草稿');
    await page.reload();
    await page.getByTestId('draft-restored').waitFor();
    await page.getByTestId('discard-draft').click();
    await page.getByTestId('draft-restored').waitFor({ state: 'detached' });
    expect(await page.getByTestId('need-title-input').inputValue()).toBe('');
    await page.reload();
    await page.getByTestId('need-title-input').waitFor();
    expect(await page.getByTestId('draft-restored').count()).toBe(0);

    // Back online: sent by itself, with the key it was kept with.
    await context.setOffline(false);
    await item.getByText('已同步').waitFor();
    let events = await needEvents(TITLE);
    expect(events.drafted).toHaveLength(1);
    expect(events.published).toHaveLength(1);
    const [synced] = await outbox(page);
    expect(synced).toMatchObject({ key: kept.key, state: 'synced' });

    // The same command sent again with its key (as after an answer lost on the way back): no second need.
    await page.evaluate(`localStorage.setItem('shecun.outbox', ${JSON.stringify(JSON.stringify([{ ...synced, state: 'pending' }]))})`);
    await page.reload();
    await item.getByText('已同步').waitFor();
    events = await needEvents(TITLE);
    expect(events.drafted).toHaveLength(1);
    expect(events.published).toHaveLength(1);

    // Removed once read.
    await item.getByTestId('outbox-dismiss').click();
    await page.getByTestId('outbox').waitFor({ state: 'detached' });
    await context.close();
  });

  it('shows a command the API refuses on reconnect as 失败 with the API’s message, and keeps it', async () => {
    const { context, page } = await newPage(running);
    await signIn(page, 'coordinator');
    await page.goto('/mine');
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
    const actorId = await page.evaluate(`JSON.parse(localStorage.getItem('shecun.session') ?? 'null')?.user?.id ?? null`);
    // A need for a village outside the coordinator's town: the API refuses it.
    const body = { villageCode: '440103001001', title: '越权的需求', category: 'education', lineItems: [{ kind: 'goods', description: '课桌椅', unit: '套', quantity: 20 }], autoAccept: false, publish: true };
    const refused = await running.app.http().post('/api/needs').set(await actAs(running.app, { id: 'test-offline-coordinator', role: 'coordinator', scope: TOWN })).send(body);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    const detail = (refused.body as { detail: string }).detail;
    expect(detail).toBeTruthy();

    await context.setOffline(true);
    const item = { key: 'web-offline-refused-0001', actorId, command: { path: '/api/needs', body }, label: '越权的需求', createdAt: new Date().toISOString(), state: 'pending' };
    await page.evaluate(`localStorage.setItem('shecun.outbox', ${JSON.stringify(JSON.stringify([item]))})`);
    await page.reload();
    const row = page.getByTestId('outbox-item').filter({ hasText: '越权的需求' });
    await row.getByText('待同步').waitFor();
    await context.setOffline(false);
    await row.getByText(`失败（${detail}）`).waitFor();
    expect(await outbox(page)).toMatchObject([{ key: item.key, state: 'failed', reason: detail }]);
    // Still there after a reload: never dropped silently.
    await page.reload();
    await row.getByText(`失败（${detail}）`).waitFor();
    await context.close();
  });

  it('keeps deliveries confirmed without a network in the outbox: one confirmed once back online, one a colleague confirmed meanwhile shown as a conflict', async () => {
    const { app } = running;
    const villages = (await app.http().get(`/api/regions/${TOWN}`).expect(200)).body.children as Array<{ code: string; name: string }>;
    const coordinator = await actAs(app, { id: 'test-offline-coordinator', role: 'coordinator', scope: TOWN });
    const staff = await actAs(app, { id: 'test-offline-org', role: 'organization', organizationId: 'org-gz-charity' });
    const TITLE = `村小课桌椅 ${Date.now()}`;
    const need = await app.http().post('/api/needs').set(coordinator)
      .send({ villageCode: villages[1].code, title: TITLE, category: 'education', publish: true, lineItems: [{ kind: 'goods', description: '课桌椅', unit: '套', quantity: 10 }] }).expect(201);
    const needId = need.body.needId as string;
    await app.projections.waitFor(need.body.position);
    const offered = await app.http().post(`/api/needs/${needId}/commitments`).set(staff)
      .send({ organizationId: 'org-gz-charity', organizationName: '广州市慈善会', items: [{ lineItemId: 'L1', quantity: 10 }], promisedBy: futureDate(20) }).expect(201);
    const cid = offered.body.commitmentId as string;
    await app.projections.waitFor((await app.http().post(`/api/needs/${needId}/commitments/${cid}/accept`).set(coordinator).expect(200)).body.position);
    const deliveryIds: string[] = [];
    for (const ref of ['files/desks-1.jpg', 'files/desks-2.jpg']) {
      const delivered = await app.http().post(`/api/needs/${needId}/commitments/${cid}/deliveries`).set(staff)
        .send({ items: [{ lineItemId: 'L1', quantity: 5 }], evidence: [{ kind: 'photo', ref }] }).expect(201);
      deliveryIds.push(delivered.body.deliveryId);
      await app.projections.waitFor(delivered.body.position);
    }
    const confirmed = async () => (await app.store.readStream(`need-${needId}`)).filter((e) => e.type === 'DeliveryConfirmed').map((e) => (e.data as { deliveryId: string }).deliveryId);

    const { context, page } = await newPage(running);
    await signIn(page, 'coordinator');
    await page.waitForURL('**/mine');
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
    const tasks = page.getByTestId('task-delivery').filter({ hasText: TITLE });
    await tasks.nth(1).waitFor();
    await settled(page);

    // The signal drops while the page is open: each confirmation is kept, its dialog closes.
    await context.setOffline(true);
    for (const n of [0, 1]) {
      await tasks.nth(n).getByTestId('task-confirm').click();
      await page.getByTestId('confirm-dialog-submit').click();
      await page.getByTestId('confirm-dialog').waitFor({ state: 'hidden' });
    }
    const items = page.getByTestId('outbox-item').filter({ hasText: TITLE });
    await items.nth(1).getByText('待同步').waitFor();
    await items.nth(0).getByText('待同步').waitFor();
    expect(await confirmed()).toEqual([]);
    const kept = (await outbox(page)).map((item) => item.command.path.split('/deliveries/')[1].replace('/confirm', ''));
    expect([...kept].sort()).toEqual([...deliveryIds].sort());

    // Meanwhile a colleague confirms the second one kept.
    await app.http().post(`/api/needs/${needId}/commitments/${cid}/deliveries/${kept[1]}/confirm`).set(coordinator).send({}).expect(200);
    await context.setOffline(false);
    await items.nth(0).getByText('已同步').waitFor();
    await items.nth(1).getByText('失败（该交付已确认 (this delivery is already confirmed)）').waitFor();
    expect((await confirmed()).sort()).toEqual([...deliveryIds].sort());
    await context.close();
  });
});
