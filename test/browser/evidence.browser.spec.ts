/**
 * Evidence files in a real browser, against the embedded app with the demo seed: the demo
 * organization records a delivery with a photo uploaded from the dialog; the demo coordinator sees
 * the photo's thumbnail on the need page and again in the confirmation dialog, opens the full file
 * (fetched with the bearer token), and confirms. The delivery event records the file's hash. A
 * photo opens full size in the page from its thumbnail, on the need page and in the auditor's trace.
 * On a phone, a camera's 3,200 × 2,400 photo is shrunk in the browser before it is sent, its
 * progress shown; a dropped connection is tried again by itself, and offered to 重试 by hand when
 * it keeps dropping; the dialog does not submit while a file is on its way.
 */
import { RegionsService } from '@shecun/regions';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { photoWithGps } from '../../libs/evidence/src/testing/fixtures';
import { actAs, futureDate } from '../support/embedded-app';
import sharp from 'sharp';
import { ARTIFACTS, DESKTOP, newPage, PHONE, Running, screenshots, sees, signIn, startConsole } from './support/browser';

const TITLE = '村委会档案柜（证明材料测试）';
const ORG = 'org-gz-charity'; // the demo org-staff account's organization

let running: Running;
beforeAll(async () => {
  running = await startConsole();
});
afterAll(async () => {
  await running?.close();
});

describe('evidence files in the console', () => {
  let needId = '';
  let photoPath = '';

  beforeAll(async () => {
    const app = running.app;
    const village = app.app.get(RegionsService).children('441826105')[0].code;
    const coordinator = await actAs(app, { id: 'ev-browser-coord', role: 'coordinator', scope: '441826105' });
    const staff = await actAs(app, { id: 'ev-browser-staff', role: 'organization', organizationId: ORG });
    const need = await app.http().post('/api/needs').set(coordinator).send({
      villageCode: village, title: TITLE, description: '', category: 'care', dueDate: futureDate(60), publish: true,
      lineItems: [{ kind: 'goods', description: '档案柜', unit: '个', quantity: 2, estimatedValueFen: 200_000 }],
    }).expect(201);
    needId = need.body.needId;
    const offered = await app.http().post(`/api/needs/${needId}/commitments`).set(staff).send({ organizationId: ORG, organizationName: '广州市慈善会', items: [{ lineItemId: 'L1', quantity: 2 }], promisedBy: futureDate(20) }).expect(201);
    await app.http().post(`/api/needs/${needId}/commitments/${offered.body.commitmentId}/accept`).set(coordinator).expect(200);
    await app.projections.waitFor(await app.store.headPosition());
    photoPath = join(mkdtempSync(join(tmpdir(), 'shecun-ev-browser-')), 'handover.jpg');
    writeFileSync(photoPath, await photoWithGps(900, 600));
  });

  it('the organization uploads a photo while recording the delivery', async () => {
    const { page } = await newPage(running);
    await signIn(page, 'org-staff');
    await page.goto(`/needs/${needId}`);
    await page.getByTestId('record-delivery').click();
    await page.getByTestId('all-L1').click();
    await page.getByTestId('evidence-upload').locator('input[type=file]').setInputFiles(photoPath);
    await page.getByTestId('evidence-uploaded').getByText('handover.jpg').waitFor();
    await screenshots(page, 'evidence-01-delivery-upload');
    await page.getByTestId('deliver-dialog-submit').click();
    await sees(page, '操作成功');
    await page.getByTestId('delivery').getByTestId('evidence-file').waitFor();
  });

  it('the coordinator sees the photo before confirming, views it full size in the page, opens the original, and confirms', async () => {
    const { context, page } = await newPage(running);
    await signIn(page, 'coordinator');
    await page.goto(`/needs/${needId}`);
    const thumb = page.getByTestId('delivery').getByTestId('evidence-file').locator('img');
    await thumb.waitFor();
    // The thumbnail has loaded (a page expression: the tests compile without the DOM typings).
    await page.waitForFunction("(() => { const img = document.querySelector('[data-testid=delivery] [data-testid=evidence-file] img'); return !!img && img.complete && img.naturalWidth > 0; })()");
    // The thumbnail opens the photo full size in the page (the 900 × 600 photo, not the thumbnail);
    // Esc closes it again.
    await page.getByTestId('delivery').getByTestId('evidence-view').click();
    const viewer = page.getByTestId('evidence-viewer');
    await viewer.getByTestId('viewer-image').waitFor();
    await page.waitForFunction("(() => { const img = document.querySelector('[data-testid=viewer-image]'); return !!img && img.complete && img.naturalWidth === 900 && img.naturalHeight === 600; })()");
    expect(await page.getByTestId('viewer-previous').isDisabled()).toBe(true);
    expect(await page.getByTestId('viewer-next').isDisabled()).toBe(true);
    await screenshots(page, 'evidence-02a-viewer');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });

    await page.getByTestId('confirm-delivery').click();
    const dialog = page.getByTestId('confirm-evidence');
    await dialog.getByTestId('evidence-file').waitFor();
    const popup = context.waitForEvent('page');
    await dialog.getByTestId('evidence-open').click();
    const opened = await popup;
    await opened.waitForURL(/^blob:/);
    await opened.close();
    await screenshots(page, 'evidence-02-confirm-dialog');
    await page.getByTestId('confirm-dialog-submit').click();
    await page.getByTestId('delivery').getByText('已确认').waitFor();

    const events = await running.app.store.readStream(`need-${needId}`);
    const recorded = events.find((e) => e.type === 'DeliveryRecorded')!.data as { evidence: Array<{ file?: { sha256: string; mediaType: string } }> };
    expect(recorded.evidence[0].file).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), mediaType: 'image/jpeg' });
  });

  it('the organization records a donation use with a photo; the coordinator sees it before confirming the use', async () => {
    const app = running.app;
    const staff = await actAs(app, { id: 'ev-browser-staff', role: 'organization', organizationId: ORG });
    const pledged = await app.http().post('/api/donations').set(staff).send({ donorKind: 'individual', recipientKind: 'organization', recipientId: ORG, resourceKind: 'money', amount: 100_000 }).expect(201);
    const flowId = pledged.body.flowId as string;
    await app.http().post(`/api/donations/${flowId}/receive`).set(staff).send({ receiptNumber: 'GD-EV-B1', amount: 100_000, receivedOn: '2026-11-20' }).expect(200);
    await app.http().post(`/api/donations/${flowId}/allocations`).set(staff).send({ targetKind: 'need', needId, amount: 80_000 }).expect(201);
    await app.projections.waitFor(await app.store.headPosition());

    const { page } = await newPage(running);
    await signIn(page, 'org-staff');
    await page.goto('/my/donations');
    const card = page.getByTestId(`flow-${flowId}`);
    await card.getByTestId('record-use').click();
    await page.getByTestId('use-amount').fill('500');
    await page.getByTestId('evidence-upload').locator('input[type=file]').setInputFiles(photoPath);
    await page.getByTestId('evidence-uploaded').getByText('handover.jpg').waitFor();
    await screenshots(page, 'evidence-03-record-use');
    await page.getByTestId('use-dialog-submit').click();
    await sees(page, '操作成功');
    await card.getByTestId('use').getByTestId('evidence-file').waitFor();

    const coordinator = await newPage(running);
    await signIn(coordinator.page, 'coordinator');
    await coordinator.page.goto('/mine');
    const task = coordinator.page.getByTestId('donation-uses').locator('.task').filter({ hasText: TITLE });
    await task.getByTestId('confirm-use').click();
    await coordinator.page.getByTestId('confirm-evidence').getByTestId('evidence-file').locator('img').waitFor();
    await screenshots(coordinator.page, 'evidence-04-confirm-use');
    await coordinator.page.getByTestId('confirm-use-dialog-submit').click();
    await task.waitFor({ state: 'detached' });
    const used = (await app.store.readStream(`donation-${flowId}`)).find((e) => e.type === 'DonationUsed')!.data as { amount: number; evidence: Array<{ file?: { mediaType: string } }> };
    expect(used.amount).toBe(50_000);
    expect(used.evidence[0].file).toMatchObject({ mediaType: 'image/jpeg' });

    // The provincial auditor tracing the flow sees the use's photo and views it full size.
    const auditor = await newPage(running);
    await signIn(auditor.page, 'auditor');
    await auditor.page.goto(`/audit/flows/${flowId}`);
    await auditor.page.getByTestId('evidence-view').first().click();
    await auditor.page.waitForFunction("(() => { const img = document.querySelector('[data-testid=viewer-image]'); return !!img && img.complete && img.naturalWidth === 900; })()");
    await screenshots(auditor.page, 'evidence-05-audit-trace-viewer');
  });
});

describe('evidence photos from a phone on a weak connection', () => {
  let needId = '';
  let bigPhotoPath = '';
  let smallPhotoPath = '';
  let staff: Record<string, string> = {};

  beforeAll(async () => {
    const app = running.app;
    const village = app.app.get(RegionsService).children('441826105')[0].code;
    const coordinator = await actAs(app, { id: 'ev-phone-coord', role: 'coordinator', scope: '441826105' });
    staff = await actAs(app, { id: 'ev-phone-staff', role: 'organization', organizationId: ORG });
    const need = await app.http().post('/api/needs').set(coordinator).send({
      villageCode: village, title: '村卫生室药柜（手机拍照测试）', description: '', category: 'health', dueDate: futureDate(60), publish: true,
      lineItems: [{ kind: 'goods', description: '药柜', unit: '个', quantity: 1, estimatedValueFen: 150_000 }],
    }).expect(201);
    needId = need.body.needId;
    const offered = await app.http().post(`/api/needs/${needId}/commitments`).set(staff).send({ organizationId: ORG, organizationName: '广州市慈善会', items: [{ lineItemId: 'L1', quantity: 1 }], promisedBy: futureDate(20) }).expect(201);
    await app.http().post(`/api/needs/${needId}/commitments/${offered.body.commitmentId}/accept`).set(coordinator).expect(200);
    await app.projections.waitFor(await app.store.headPosition());
    // A camera's photo: 3,200 × 2,400 of fine detail (noise does not compress), several MB.
    const noise = Buffer.alloc(3200 * 2400 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const dir = mkdtempSync(join(tmpdir(), 'shecun-ev-phone-'));
    bigPhotoPath = join(dir, 'camera.jpg');
    smallPhotoPath = join(dir, 'receipt.jpg');
    writeFileSync(smallPhotoPath, await photoWithGps(800, 600));
    writeFileSync(bigPhotoPath, await sharp(noise, { raw: { width: 3200, height: 2400, channels: 3 } }).jpeg({ quality: 92 }).toBuffer());
  });

  it('offers the camera on a phone only', async () => {
    const desk = await newPage(running, DESKTOP);
    await signIn(desk.page, 'org-staff');
    await desk.page.goto(`/needs/${needId}`);
    await desk.page.getByTestId('record-delivery').click();
    await desk.page.getByTestId('evidence-upload-button').waitFor();
    expect(await desk.page.getByTestId('evidence-camera-button').count()).toBe(0);
    await desk.context.close();

    const { page, context } = await newPage(running, PHONE);
    await signIn(page, 'org-staff');
    await page.goto(`/needs/${needId}`);
    await page.getByTestId('record-delivery').click();
    await page.getByTestId('evidence-camera-button').waitFor();
    // The camera's picker opens the back camera for photos only.
    const camera = page.getByTestId('evidence-upload').locator('input[type=file][capture=environment]');
    expect(await camera.getAttribute('accept')).toBe('image/*');
    await context.close();
  });

  it('shrinks the photo before sending it, shows its progress, and tries a dropped connection again', async () => {
    const { page } = await newPage(running, PHONE);
    await signIn(page, 'org-staff');
    await page.goto(`/needs/${needId}`);
    await page.getByTestId('record-delivery').click();
    await page.getByTestId('all-L1').click();

    // The first two sends are cut off, the third is slowed to a weak signal's 400 kbit/s.
    const bodies: number[] = [];
    let sends = 0;
    await page.route('**/api/evidence', async (route) => {
      sends++;
      bodies.push(route.request().postDataBuffer()?.length ?? 0);
      if (sends <= 2) return route.abort('connectionreset');
      return route.continue();
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 50_000 });

    await page.getByTestId('evidence-upload').locator('input[type=file]:not([capture])').setInputFiles(bigPhotoPath);
    const pending = page.getByTestId('evidence-pending');
    await pending.getByText('网络中断，1 秒后自动重试…').waitFor();
    // On its way: the dialog says so instead of submitting without it.
    await page.getByTestId('deliver-dialog-submit').click();
    await sees(page, '证明材料还在上传');
    // Part of the photo sent, said as a share of it while it goes.
    await page.waitForFunction("(() => { const text = document.querySelector('[data-testid=evidence-progress] .ant-progress-indicator, [data-testid=evidence-progress] .ant-progress-text')?.textContent ?? ''; const n = parseInt(text, 10); return n > 0 && n < 100; })()", undefined, { timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'evidence-05-phone-upload-progress-phone.png') });
    await page.getByTestId('evidence-uploaded').getByText('camera.jpg').waitFor({ timeout: 90_000 });
    expect(sends).toBe(3);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    // What went over the wire is the shrunk photo, far smaller than the camera's file.
    const original = statSync(bigPhotoPath).size;
    const shrunkNote = await page.getByTestId('evidence-shrunk').textContent();
    expect(shrunkNote).toMatch(/^已压缩 \d+(\.\d)? MB → \d+(\.\d)? (KB|MB)$/);
    expect(Math.max(...bodies)).toBeLessThan(original / 2);

    await page.getByTestId('deliver-dialog-submit').click();
    await sees(page, '操作成功');
    const events = await running.app.store.readStream(`need-${needId}`);
    const recorded = events.find((e) => e.type === 'DeliveryRecorded')!.data as { evidence: Array<{ file?: { sha256: string; size: number } }> };
    const file = recorded.evidence[0].file!;
    const stored = await running.app.http().get(`/api/needs/${needId}/evidence/${file.sha256}`).set(staff).expect(200);
    const stored_ = await sharp(stored.body as Buffer).metadata();
    expect(Math.max(stored_.width ?? 0, stored_.height ?? 0)).toBe(1600);
    expect(file.size).toBeLessThan(original / 2);
  });

  it('offers 重试 when the connection keeps dropping, and the retry goes through', async () => {
    const { page } = await newPage(running, PHONE);
    await signIn(page, 'org-staff');
    await page.goto('/my/donations');
    const app = running.app;
    const pledged = await app.http().post('/api/donations').set(staff).send({ donorKind: 'individual', recipientKind: 'organization', recipientId: ORG, resourceKind: 'money', amount: 50_000 }).expect(201);
    const flowId = pledged.body.flowId as string;
    await app.http().post(`/api/donations/${flowId}/receive`).set(staff).send({ receiptNumber: 'GD-EV-P1', amount: 50_000, receivedOn: '2026-11-21' }).expect(200);
    await app.http().post(`/api/donations/${flowId}/allocations`).set(staff).send({ targetKind: 'need', needId, amount: 40_000 }).expect(201);
    await app.projections.waitFor(await app.store.headPosition());
    await page.reload();
    await page.getByTestId(`flow-${flowId}`).getByTestId('record-use').click();

    let down = true;
    await page.route('**/api/evidence', (route) => (down ? route.abort('internetdisconnected') : route.continue()));
    await page.getByTestId('evidence-upload').locator('input[type=file]:not([capture])').setInputFiles(smallPhotoPath);
    const failed = page.locator('[data-testid=evidence-pending][data-state=failed]');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.getByTestId('evidence-upload-error').textContent()).toContain('网络连接失败');
    await screenshots(page, 'evidence-06-phone-upload-failed');
    down = false;
    await failed.getByTestId('evidence-retry').click();
    await page.getByTestId('evidence-uploaded').getByText('receipt.jpg').waitFor();
    expect(await page.getByTestId('evidence-pending').count()).toBe(0);
  });
});
