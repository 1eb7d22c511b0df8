/**
 * An organization records a delivery where it handed the goods over, with no signal (issue 21): the
 * delivery and the photo taken there wait in the outbox (the photo kept on this device, its
 * visibility chosen before it is sent), across a reload; back online the photo is uploaded once and
 * the delivery recorded once, naming it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { photoWithGps } from '../../libs/evidence/src/testing/fixtures';
import { choose, newPage, Running, startConsole } from './support/browser';
import { signIn } from './support/needs-journey';
import { acceptedCommitment, keptFiles, outbox } from './support/outbox';

let running: Running;

beforeAll(async () => {
  running = await startConsole();
});

afterAll(async () => {
  await running?.close();
});

it('an organization records a delivery with a photo offline: kept, then recorded once with the uploaded photo when back online', async () => {
  const { app } = running;
  const TITLE = `村卫生站轮椅 ${Date.now()}`;
  const { needId, cid } = await acceptedCommitment(running, { title: TITLE, village: 1, description: '轮椅', unit: '台', category: 'health' });
  const recorded = async () => (await app.store.readStream(`need-${needId}`)).filter((e) => e.type === 'DeliveryRecorded');
  const photoPath = join(mkdtempSync(join(tmpdir(), 'shecun-offline-delivery-')), 'handover.jpg');
  writeFileSync(photoPath, await photoWithGps(2400, 1800));

  const { context, page } = await newPage(running);
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/evidence') uploads.push(request.url());
  });
  await signIn(page, 'org-staff');
  await page.goto(`/needs/${needId}`);
  await page.getByTestId('record-delivery').waitFor();
  await page.waitForLoadState('networkidle');

  // No signal where the goods were handed over.
  await context.setOffline(true);
  await page.getByTestId('record-delivery').click();
  await page.getByTestId('all-L1').click();
  await page.getByTestId('evidence-upload').locator('input[type=file]:not([capture])').setInputFiles(photoPath);
  await page.getByTestId('evidence-kept').getByText('handover.jpg').waitFor();
  await choose(page, 'evidence-visibility', '公开');
  await page.getByTestId('deliver-dialog-submit').click();
  await page.getByTestId('deliver-dialog').waitFor({ state: 'hidden' });
  const item = page.getByTestId('outbox-item').filter({ hasText: TITLE });
  await item.getByText('待同步').waitFor();
  await item.getByTestId('outbox-files').getByText('附 1 张照片').waitFor();
  const [kept] = await outbox(page);
  expect(kept.command.path).toBe(`/api/needs/${needId}/commitments/${cid}/deliveries`);
  expect(kept.command.body).toMatchObject({ items: [{ lineItemId: 'L1', quantity: 2 }], evidence: [] });
  expect(kept.files).toEqual([expect.objectContaining({ name: 'handover.jpg', visibility: 'public' })]);
  expect(await keptFiles(page)).toEqual([expect.objectContaining({ name: 'handover.jpg', type: 'image/jpeg' })]);
  expect(uploads).toEqual([]);
  expect(await recorded()).toHaveLength(0);

  // Back online: the photo uploaded once, the delivery recorded once, naming it.
  await context.setOffline(false);
  await item.getByText('已同步').waitFor();
  const events = await recorded();
  expect(events).toHaveLength(1);
  expect(uploads).toHaveLength(1);
  const sha256 = (await outbox(page)).find((i) => i.key === kept.key)!.files![0].sha256!;
  expect(events[0].data).toMatchObject({ commitmentId: cid, items: [{ lineItemId: 'L1', quantity: 2 }], evidence: [{ kind: 'photo', file: { sha256, mediaType: 'image/jpeg', visibility: 'public' } }] });
  expect(await keptFiles(page)).toEqual([]);
  await context.close();
}, 180_000);
