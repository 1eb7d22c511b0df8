/**
 * Evidence files in a real browser, against the embedded app with the demo seed: the demo
 * organization records a delivery with a photo uploaded from the dialog; the demo coordinator sees
 * the photo's thumbnail on the need page and again in the confirmation dialog, opens the full file
 * (fetched with the bearer token), and confirms. The delivery event records the file's hash.
 */
import type { Page } from '../../apps/console/node_modules/playwright-core';
import { RegionsService } from '@shecun/regions';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { photoWithGps } from '../../libs/evidence/src/testing/fixtures';
import { actAs, futureDate } from '../support/embedded-app';
import { newPage, Running, screenshots, sees, startConsole } from './support/browser';

const TITLE = '村委会档案柜（证明材料测试）';
const ORG = 'org-gz-charity'; // the demo org-staff account's organization

let running: Running;
beforeAll(async () => {
  running = await startConsole();
});
afterAll(async () => {
  await running?.close();
});

async function signIn(page: Page, account: string) {
  await page.goto('/');
  await page.getByTestId(`demo-${account}`).click();
  await page.getByTestId('user-menu').waitFor();
}

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

  it('the coordinator sees the photo before confirming, opens it, and confirms', async () => {
    const { context, page } = await newPage(running);
    await signIn(page, 'coordinator');
    await page.goto(`/needs/${needId}`);
    const thumb = page.getByTestId('delivery').getByTestId('evidence-file').locator('img');
    await thumb.waitFor();
    // The thumbnail has loaded (a page expression: the tests compile without the DOM typings).
    await page.waitForFunction("(() => { const img = document.querySelector('[data-testid=delivery] [data-testid=evidence-file] img'); return !!img && img.complete && img.naturalWidth > 0; })()");
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
  });
});
