import Database from 'better-sqlite3';
import { NEEDS_PROJECTION_VERSION } from '@shecun/needs';
import { RegionsService } from '@shecun/regions';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actAs, COORDINATOR, removeDir, startEmbeddedApp } from '../support/embedded-app';

/**
 * A data folder written by a version whose needs read model kept the needs decider's state in
 * needs_view (no documents, no needs_fold, no recorded projection versions), opened by this
 * version: the tables are brought to the new shape, the needs read model is rebuilt from the event
 * store before it is served, and every need reads as before.
 */
describe('opening a data folder whose read model an older version built (embedded)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shecun-upgrade-'));
  afterAll(() => removeDir(dir));

  it('rebuilds the needs read model at start and serves the same needs', async () => {
    const first = await startEmbeddedApp(dir);
    const coordinator = await actAs(first, COORDINATOR);
    const village = first.app.get(RegionsService).children('441826105')[0].code;
    const ids: string[] = [];
    for (const title of ['旧版本的需求一', '旧版本的需求二']) {
      const { body } = await first.http().post('/api/needs').set(coordinator)
        .send({ villageCode: village, title, category: 'education', publish: true, lineItems: [{ kind: 'goods', description: '课桌', unit: '张', quantity: 3 }] })
        .expect(201);
      ids.push(body.needId);
    }
    const before = await Promise.all(ids.map(async (id) => (await first.http().get(`/api/needs/${id}`).set(coordinator).expect(200)).body));
    const list = (await first.http().get('/api/needs').set(coordinator).expect(200)).body;
    await first.close();

    // The tables as the older version left them.
    const db = new Database(join(dir, 'read.sqlite'));
    db.exec(`ALTER TABLE needs_view DROP COLUMN document; ALTER TABLE needs_view ADD COLUMN state text NOT NULL DEFAULT '{}'; DROP TABLE needs_fold; DROP TABLE projection_versions;`);
    db.close();

    const second = await startEmbeddedApp(dir);
    try {
      const again = await actAs(second, COORDINATOR);
      const after = await Promise.all(ids.map(async (id) => (await second.http().get(`/api/needs/${id}`).set(again).expect(200)).body));
      expect(after).toEqual(before);
      expect((await second.http().get('/api/needs').set(again).expect(200)).body).toEqual(list);
      const check = new Database(join(dir, 'read.sqlite'), { readonly: true });
      try {
        expect(check.prepare(`SELECT version FROM projection_versions WHERE projection = 'needs'`).get()).toEqual({ version: NEEDS_PROJECTION_VERSION });
        expect(check.prepare(`SELECT count(*) AS n FROM needs_fold`).get()).toEqual({ n: 2 });
        expect(check.prepare(`SELECT count(*) AS n FROM needs_view WHERE document = ''`).get()).toEqual({ n: 0 });
      } finally {
        check.close();
      }
    } finally {
      await second.close();
    }
  }, 120_000);
});
