/**
 * The console as an installable app that works without a network (issue 21). A village coordinator
 * signs in; the service worker installs and takes the page. Offline, the need form still opens (from
 * the precache, its region pickers from the kept /api/regions answers), keeps what is typed across a
 * reload, and a need posted offline waits in the outbox as 待同步, across a reload too. Back online
 * it is sent with the Idempotency-Key it was kept with (已同步): the store holds one need for it, and
 * sending it again with that key makes no second one. A command the API refuses is shown as 失败 with
 * the API's own message. A delivery confirmed where the signal dropped waits in the outbox the same way,
 * with a photo taken there too: the shrunk photo is kept in IndexedDB across a reload, uploaded once
 * on reconnect with the visibility chosen for it, and the one DeliveryConfirmed names the uploaded file. An organization's offers made
 * offline are sent once back online; one on a need withdrawn meanwhile is shown as 失败 with the API's message.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { photoWithGps } from '../../libs/evidence/src/testing/fixtures';
import { actAs, futureDate } from '../support/embedded-app';
import { choose, newPage, Running, settled, startConsole } from './support/browser';
import { signIn, TOWN } from './support/needs-journey';
import { acceptedCommitment, keptFiles, outbox } from './support/outbox';

let running: Running;

beforeAll(async () => {
  running = await startConsole();
});

afterAll(async () => {
  await running?.close();
});

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

  it('coordinator offline: posts a need and confirms a delivery with a photo, reloads, and back online each is applied once, the photo uploaded once', async () => {
    const { app } = running;
    // A delivery recorded by the organization, to be confirmed where it arrived.
    const DELIVERED = `村卫生站药柜 ${Date.now()}`;
    const { villages, coordinator, staff, needId, cid } = await acceptedCommitment(running, { title: DELIVERED, village: 2, description: '药柜', unit: '个', category: 'education' });
    const delivered = await app.http().post(`/api/needs/${needId}/commitments/${cid}/deliveries`).set(staff)
      .send({ items: [{ lineItemId: 'L1', quantity: 2 }], evidence: [{ kind: 'receipt', ref: '签收单 No.0451' }] }).expect(201);
    const deliveryId = delivered.body.deliveryId as string;
    await app.projections.waitFor(delivered.body.position);
    const confirmations = async () => (await app.store.readStream(`need-${needId}`)).filter((e) => e.type === 'DeliveryConfirmed' && (e.data as { deliveryId: string }).deliveryId === deliveryId);
    const photoPath = join(mkdtempSync(join(tmpdir(), 'shecun-offline-')), 'arrival.jpg');
    writeFileSync(photoPath, await photoWithGps(2400, 1800));

    const { context, page } = await newPage(running);
    const uploads: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/evidence') uploads.push(request.url());
    });
    await signIn(page, 'coordinator');
    // The need form through the worker once, so that it opens offline.
    await page.goto('/needs/new');
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
    await page.reload();
    await settled(page);
    await page.goto('/mine');
    const task = page.getByTestId('task-delivery').filter({ hasText: DELIVERED });
    await task.waitFor();
    await settled(page);

    // No signal: the delivery is confirmed with a photo taken there, kept on this device.
    await context.setOffline(true);
    await task.getByTestId('task-confirm').click();
    await page.getByTestId('confirm-evidence').locator('input[type=file]:not([capture])').setInputFiles(photoPath);
    await page.getByTestId('evidence-kept').getByText('arrival.jpg').waitFor();
    // Chosen before it is uploaded: the photo may be shown on the disclosure pages.
    await choose(page, 'evidence-visibility', '公开');
    await page.getByTestId('confirm-dialog-submit').click();
    await page.getByTestId('confirm-dialog').waitFor({ state: 'hidden' });
    const confirmItem = page.getByTestId('outbox-item').filter({ hasText: DELIVERED });
    await confirmItem.getByText('待同步').waitFor();

    // And a need posted, still offline.
    const TITLE = `离线登记的需求（带照片的确认）${Date.now()}`;
    await page.goto('/needs/new');
    await page.getByTestId('need-title-input').waitFor();
    await choose(page, 'region-village', villages[0].name);
    await page.getByTestId('need-title-input').fill(TITLE);
    await choose(page, 'need-category', '教育帮扶');
    await page.getByTestId('item-desc-0').fill('图书');
    await page.getByTestId('item-quantity-0').fill('200');
    await page.getByTestId('item-unit-0').fill('册');
    await page.getByTestId('publish-now').click();
    await page.waitForURL('**/mine');
    const needItem = page.getByTestId('outbox-item').filter({ hasText: TITLE });
    await needItem.getByText('待同步').waitFor();

    // A reload offline: both still waiting, the photo still on this device (shrunk), nothing sent.
    await page.reload();
    await needItem.getByText('待同步').waitFor();
    await confirmItem.getByText('待同步').waitFor();
    await confirmItem.getByTestId('outbox-files').getByText('附 1 张照片').waitFor();
    const kept = await outbox(page);
    expect(kept.map((item) => item.state)).toEqual(['pending', 'pending']);
    const keptConfirm = kept.find((item) => item.command.path.endsWith(`/deliveries/${deliveryId}/confirm`))!;
    expect(keptConfirm.files).toEqual([expect.objectContaining({ name: 'arrival.jpg', visibility: 'public' })]);
    expect(keptConfirm.files![0].sha256).toBeUndefined();
    const photos = await keptFiles(page);
    expect(photos).toEqual([expect.objectContaining({ name: 'arrival.jpg', type: 'image/jpeg' })]);
    expect(photos[0].size).toBeLessThan((await photoWithGps(2400, 1800)).length);
    expect(uploads).toEqual([]);
    expect(await confirmations()).toHaveLength(0);
    expect((await needEvents(TITLE)).drafted).toHaveLength(0);

    // Back online: the photo is uploaded, then the confirmation and the need are sent, each once.
    await context.setOffline(false);
    await confirmItem.getByText('已同步').waitFor();
    await needItem.getByText('已同步').waitFor();
    const events = await needEvents(TITLE);
    expect(events.drafted).toHaveLength(1);
    expect(events.published).toHaveLength(1);
    const [confirmation] = await confirmations();
    expect(await confirmations()).toHaveLength(1);
    expect(uploads).toHaveLength(1);
    const synced = (await outbox(page)).find((item) => item.key === keptConfirm.key)!;
    expect(synced.state).toBe('synced');
    const sha256 = synced.files![0].sha256!;
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(confirmation.data).toMatchObject({ deliveryId, evidence: [{ kind: 'photo', file: { sha256, mediaType: 'image/jpeg', visibility: 'public' } }] });
    // The file is the need's evidence now, served to those who may see the need; gone from this device.
    const file = await app.http().get(`/api/needs/${needId}/evidence/${sha256}`).set(coordinator).expect(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(await keptFiles(page)).toEqual([]);

    // Sent again with its key (an answer lost on the way back): no second confirmation, no second upload.
    await page.evaluate(`localStorage.setItem('shecun.outbox', ${JSON.stringify(JSON.stringify([{ ...synced, state: 'pending' }]))})`);
    await page.reload();
    await confirmItem.getByText('已同步').waitFor();
    expect(await confirmations()).toHaveLength(1);
    expect(uploads).toHaveLength(1);
    await context.close();
  });

  it('an organization’s offers made offline: one applied once back online, one on a need withdrawn meanwhile shown as 失败 with the API’s message', async () => {
    const { app } = running;
    const villages = (await app.http().get(`/api/regions/${TOWN}`).expect(200)).body.children as Array<{ code: string; name: string }>;
    const coordinator = await actAs(app, { id: 'test-offline-coordinator', role: 'coordinator', scope: TOWN });
    const stamp = Date.now();
    const [TAKEN, WITHDRAWN] = [`村小图书角 ${stamp}`, `村小体育器材 ${stamp}`];
    const needIds: string[] = [];
    for (const title of [TAKEN, WITHDRAWN]) {
      const made = await app.http().post('/api/needs').set(coordinator)
        .send({ villageCode: villages[3].code, title, category: 'education', publish: true, lineItems: [{ kind: 'goods', description: '书架', unit: '个', quantity: 4 }] }).expect(201);
      needIds.push(made.body.needId);
      await app.projections.waitFor(made.body.position);
    }
    const offers = async (needId: string) => (await app.store.readStream(`need-${needId}`)).filter((e) => e.type === 'CommitmentOffered');

    // Each need open in its own tab, then the signal drops: an offer made in each, both kept in the one outbox.
    const { context, page } = await newPage(running);
    await signIn(page, 'org-staff');
    const other = await context.newPage();
    other.setDefaultTimeout(20_000);
    for (const [tab, needId] of [[page, needIds[0]], [other, needIds[1]]] as const) {
      await tab.goto(`/needs/${needId}`);
      await tab.getByTestId('take-need').waitFor();
      await tab.waitForLoadState('networkidle');
    }
    await context.setOffline(true);
    for (const tab of [page, other]) {
      await tab.getByTestId('take-need').click();
      await tab.getByTestId('commit-as').filter({ hasText: '广州市慈善会' }).waitFor();
      await tab.getByTestId('all-L1').click();
      await tab.getByTestId('commit-dialog-submit').click();
      await tab.getByTestId('commit-dialog').waitFor({ state: 'hidden' });
    }
    await other.close();
    const taken = page.getByTestId('outbox-item').filter({ hasText: TAKEN });
    const refused = page.getByTestId('outbox-item').filter({ hasText: WITHDRAWN });
    await taken.getByText('待同步').waitFor();
    await refused.getByText('待同步').waitFor();
    expect((await outbox(page)).map((item) => [item.state, item.command.path])).toEqual(needIds.map((id) => ['pending', `/api/needs/${id}/commitments`]));
    expect(await offers(needIds[0])).toHaveLength(0);

    // Meanwhile the coordinator withdraws the second need.
    const withdrawn = await app.http().post(`/api/needs/${needIds[1]}/withdraw`).set(coordinator).send({ reason: '已由乡镇统一采购' }).expect(200);
    await app.projections.waitFor(withdrawn.body.position);
    await context.setOffline(false);
    await taken.getByText('已同步').waitFor();
    await refused.getByText('失败（需求状态为 withdrawn，不接受接单 (this need is not open for commitments)）').waitFor();
    expect(await offers(needIds[0])).toHaveLength(1);
    expect(await offers(needIds[1])).toHaveLength(0);

    // The offer sent again with its key: still one; the refused one stays until it is read.
    const [synced, failed] = await outbox(page);
    await page.evaluate(`localStorage.setItem('shecun.outbox', ${JSON.stringify(JSON.stringify([{ ...synced, state: 'pending' }, failed]))})`);
    await page.reload();
    await taken.getByText('已同步').waitFor();
    await refused.getByText(/^失败（需求状态为 withdrawn/).waitFor();
    expect(await offers(needIds[0])).toHaveLength(1);
    await context.close();
  });
});
