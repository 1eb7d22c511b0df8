import type { Page } from '../../../apps/console/node_modules/playwright-core';
import { actAs, futureDate } from '../../support/embedded-app';
import type { Running } from './browser';
import { TOWN } from './needs-journey';

/** A command the console's outbox keeps on this device (localStorage `shecun.outbox`). */
export interface KeptItem {
  key: string;
  actorId: string;
  command: { path: string; body: Record<string, unknown> };
  state: string;
  reason?: string;
  files?: Array<{ id: string; name: string; sha256?: string; visibility?: 'public' | 'internal' }>;
}

/** The files the outbox keeps on this device (IndexedDB), as name, type and size. */
export const keptFiles = async (page: Page): Promise<Array<{ name: string; type: string; size: number }>> =>
  page.evaluate(`new Promise((resolve, reject) => {
    const opening = indexedDB.open('shecun.outbox-files');
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
      const db = opening.result;
      if (!db.objectStoreNames.contains('files')) return resolve([]);
      const all = db.transaction('files').objectStore('files').getAll();
      all.onsuccess = () => resolve(all.result.map((f) => ({ name: f.name, type: f.type, size: f.size })));
      all.onerror = () => reject(all.error);
    };
  })`);

export const outbox = async (page: Page): Promise<KeptItem[]> => JSON.parse((await page.evaluate(`localStorage.getItem('shecun.outbox')`)) ?? '[]');


/**
 * A need published in a village of the town (the `village`-th) with one line item of 2 `unit`,
 * offered in full by 广州市慈善会 and accepted by the coordinator: ready for a delivery.
 */
export async function acceptedCommitment(running: Running, need: { title: string; village: number; description: string; unit: string; category: string }) {
  const { app } = running;
  const villages = (await app.http().get(`/api/regions/${TOWN}`).expect(200)).body.children as Array<{ code: string; name: string }>;
  const coordinator = await actAs(app, { id: 'test-offline-coordinator', role: 'coordinator', scope: TOWN });
  const staff = await actAs(app, { id: 'test-offline-org', role: 'organization', organizationId: 'org-gz-charity' });
  const posted = await app.http().post('/api/needs').set(coordinator)
    .send({ villageCode: villages[need.village].code, title: need.title, category: need.category, publish: true, lineItems: [{ kind: 'goods', description: need.description, unit: need.unit, quantity: 2 }] }).expect(201);
  const needId = posted.body.needId as string;
  await app.projections.waitFor(posted.body.position);
  const offered = await app.http().post(`/api/needs/${needId}/commitments`).set(staff)
    .send({ organizationId: 'org-gz-charity', organizationName: '广州市慈善会', items: [{ lineItemId: 'L1', quantity: 2 }], promisedBy: futureDate(20) }).expect(201);
  const cid = offered.body.commitmentId as string;
  await app.projections.waitFor((await app.http().post(`/api/needs/${needId}/commitments/${cid}/accept`).set(coordinator).expect(200)).body.position);
  return { villages, coordinator, staff, needId, cid };
}
