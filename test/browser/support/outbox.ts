import type { Page } from '../../../apps/console/node_modules/playwright-core';

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

