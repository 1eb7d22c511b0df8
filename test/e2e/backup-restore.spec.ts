import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { png } from '../../libs/evidence/src/testing/fixtures';
import { DataFolderLock } from '../../apps/standalone/src/data-folder-lock';
import type { BackupManifest } from '../../apps/standalone/src/backup';
import { requireBuild, ROOT } from '../support/child-app';
import { actAs, COORDINATOR, futureDate, removeDir, staffOf, startEmbeddedApp, TestApp } from '../support/embedded-app';
import { registerOrganizations } from '../support/organizations';
import { dumpNeedsReadModel } from '../support/read-model-dump';

/**
 * `cli backup` beside the running embedded app while needs are being posted, the data folder
 * deleted, `cli restore` into a new folder: the ledger check passes, the app started on it rebuilds
 * read models equal to the original's for every need in the backup, and the evidence files and the
 * keys (a token signed before the backup) work. A damaged or missing backup and a data folder in
 * use or not empty are refused, and the target is left as it was.
 */

const CLI = join(ROOT, 'dist', 'apps', 'standalone', 'src', 'cli.js');
const ORG = 'org-backup-charity';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Runs the built CLI as a child process without blocking this one (the app here keeps serving). */
function cli(dataDir: string, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

const needBody = (title: string) => ({
  villageCode: '441826105201', title, description: '', category: 'health', dueDate: futureDate(60), publish: true,
  lineItems: [{ kind: 'goods', description: '药品柜', unit: '个', quantity: 2, estimatedValueFen: 200_000 }],
});

describe('backup and restore of the embedded data folder', () => {
  const work = mkdtempSync(join(tmpdir(), 'shecun-backup-'));
  const backup = join(work, 'backup');
  const restored = join(work, 'restored');
  let manifest: BackupManifest;
  let org: Record<string, string>;
  let photo = '';
  let flowId = '';

  beforeAll(() => requireBuild());
  afterAll(() => removeDir(work));

  it('a backup taken while needs are posted restores into a folder whose ledger, read models and files are those of the backup', async () => {
    const t: TestApp = await startEmbeddedApp();
    let open = true;
    let r: TestApp | undefined;
    try {
      org = await actAs(t, staffOf(ORG));
      const coordinator = await actAs(t, COORDINATOR);
      await registerOrganizations(t, [{ id: ORG, name: '广州市乡村慈善会', type: 'foundation', homeDivisionCode: '4401' }]);
      const before: string[] = [];
      for (let i = 0; i < 3; i++) before.push((await t.http().post('/api/needs').set(coordinator).send(needBody(`备份前需求 ${i}`)).expect(201)).body.needId);
      photo = (await t.http().post('/api/evidence').set(org).attach('file', await png(64, 48), 'receipt.png').expect(201)).body.sha256;
      flowId = (await t.http().post('/api/donations').set(org).send({ donorKind: 'individual', recipientKind: 'organization', recipientId: ORG, resourceKind: 'money', amount: 100_000 }).expect(201)).body.flowId;
      await t.http().post(`/api/donations/${flowId}/receive`).set(org).send({ receiptNumber: 'GD-BK-0001', amount: 100_000, receivedOn: '2026-11-20', evidence: [{ kind: 'receipt', sha256: photo }] }).expect(200);
      const headBefore = await t.store.headPosition();

      // Needs go on being posted while the CLI backs the folder up, and a little after.
      let writing = true;
      let afterBackup = 0;
      const written: string[] = [];
      const writer = (async () => {
        for (let i = 0; writing || afterBackup < 3; i++) {
          written.push((await t.http().post('/api/needs').set(coordinator).send(needBody(`备份期间需求 ${i}`)).expect(201)).body.needId);
          if (!writing) afterBackup += 1;
        }
      })();
      const result = await cli(t.dataDir, ['backup', backup]).finally(() => (writing = false));
      await writer;
      expect(result).toMatchObject({ status: 0 });
      manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8'));
      expect(manifest.headPosition).toBeGreaterThan(headBefore);
      expect(await t.store.headPosition()).toBeGreaterThan(manifest.headPosition);
      expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['events.sqlite', `evidence/${photo.slice(0, 2)}/${photo.slice(2)}`, 'keys/jwt-signing-key.pem']));
      expect(readdirSync(backup).sort()).toEqual(['events.sqlite', 'evidence', 'keys', 'manifest.json']);

      await t.projections.waitFor(await t.store.headPosition());
      const original = await dumpNeedsReadModel(t.app.get(DataSource));
      const donation = (await t.http().get(`/api/donations/${flowId}`).set(org).expect(200)).body;
      await t.close();
      open = false;
      removeDir(t.dataDir);

      const restore = await cli(restored, ['restore', backup]);
      expect(restore).toMatchObject({ status: 0 });
      expect(readdirSync(restored).sort()).toEqual(['events.sqlite', 'evidence', 'keys', 'shecun.lock']);
      const verified = await cli(restored, ['verify-ledger']);
      expect(verified.status).toBe(0);
      expect(verified.output).toContain('"ok": true');
      expect(verified.output).not.toContain('"ok": false');
      expect(verified.output).toMatch(/"filesChecked": [1-9]/);

      r = await startEmbeddedApp(restored);
      expect(await r.eventCount()).toBe(manifest.eventCount);
      const back = await dumpNeedsReadModel(r.app.get(DataSource));
      const kept = new Set(back.needs.map((n) => n.id));
      expect(before.every((id) => kept.has(id))).toBe(true);
      expect(written.filter((id) => kept.has(id)).length).toBeLessThan(written.length);
      expect(back).toEqual({
        needs: original.needs.filter((n) => kept.has(n.id)),
        lineItems: original.lineItems.filter((l) => kept.has(l.needId)),
        commitments: original.commitments.filter((c) => kept.has(c.needId)),
      });
      // A token signed before the backup: the keys came back with the events.
      expect((await r.http().get(`/api/donations/${flowId}`).set(org).expect(200)).body).toEqual(donation);
      const file = await r.http().get(`/api/evidence/${photo}`).set(org).expect(200);
      expect(sha256(file.body as Buffer)).toBe(photo);
    } finally {
      if (open) await t.close();
      await r?.close();
    }
  });

  it('refuses a damaged or missing backup and a data folder in use or not empty, changing nothing', async () => {
    const target = join(work, 'target');
    const damaged = join(work, 'damaged');
    cpSync(backup, damaged, { recursive: true });
    const events = readFileSync(join(damaged, 'events.sqlite'));
    events[events.length - 100] ^= 0xff;
    writeFileSync(join(damaged, 'events.sqlite'), events);
    const refused = await cli(target, ['restore', damaged]);
    expect(refused.status).toBe(1);
    expect(refused.output).toContain('events.sqlite 的校验和不符');
    expect(refused.output).toContain('events.sqlite does not match its checksum');
    expect(existsSync(target)).toBe(false);

    writeFileSync(join(damaged, 'manifest.json'), '{"format":');
    expect((await cli(target, ['restore', damaged])).output).toContain('无法读取 manifest.json');
    expect((await cli(target, ['restore', join(work, 'nowhere')])).output).toContain('does not exist');
    expect(existsSync(target)).toBe(false);

    // The restored folder is not empty: refused without --force; a holder of its lock refuses it even with --force.
    const listing = () => readdirSync(restored).sort();
    const was = listing();
    const full = await cli(restored, ['restore', backup]);
    expect(full.status).toBe(1);
    expect(full.output).toContain('add --force to replace it');
    const lock = await DataFolderLock.acquire(restored, 'test holder');
    try {
      const inUse = await cli(restored, ['restore', backup, '--force']);
      expect(inUse.status).toBe(1);
      expect(inUse.output).toContain('is in use by process');
    } finally {
      lock.release();
    }
    expect(listing()).toEqual(was);

    // --force replaces the event store and drops the read models (rebuilt on the next start).
    expect(was).toContain('read.sqlite');
    const forced = await cli(restored, ['restore', '--force', backup]);
    expect(forced).toMatchObject({ status: 0 });
    expect(listing()).toEqual(['events.sqlite', 'evidence', 'keys', 'shecun.lock']);
  });
});
