import { userIdFor, userStream } from '@shecun/identity';
import ExcelJS from 'exceljs';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importUsers, parseImportUsersArguments } from '../../apps/standalone/src/import-users';
import { ProgressBar } from '../../apps/standalone/src/import-organizations';
import { actAs, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

const ADMIN = { id: 'import-admin', role: 'admin' as const };
const QINGYUAN_BUREAU = { id: 'import-bureau-qy', role: 'bureau' as const, scope: '4418' };
const COORDINATOR = { id: 'import-coordinator', role: 'coordinator' as const, scope: '441826105' };

const CSV = [
  '用户名,姓名,手机号,角色,范围',
  'lin.xia,林霞,13800138000,协调员,441826105',
  'wu.gang,吴刚,,coordinator,441826105001',
  'bad.phone,陈一,12345,协调员,441826105',
  'lin.xia,林霞二,13800138001,协调员,441826105',
  'he.li,何丽,13900139000,村长,441826105',
  'gz.worker,广州人,13700137000,协调员,440103001',
  'county.staff,县民政,13600136000,民政局,441826',
  'x,太短,13500135000,协调员,441826105',
].join('\n');

/**
 * Bulk onboarding through POST /api/users/import: a dry run appends nothing, a run opens each good
 * row's user and grant with a one-time password, a re-run appends nothing, bad rows are reported
 * (never a 5xx or a partial row), and who may create which user follows POST /api/users row by row.
 */
describe('POST /api/users/import', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await startEmbeddedApp();
    dir = mkdtempSync(join(tmpdir(), 'shecun-user-import-'));
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
    removeDir(dir);
  });

  const importCsv = async (actor: object, text: string, dryRun = false) =>
    t.http().post('/api/users/import').set(await actAs(t, actor as typeof ADMIN)).send({ content: Buffer.from(text).toString('base64'), dryRun });
  const streamLength = async (username: string) => (await t.store.readStream(userStream(userIdFor(username)))).length;

  it('a dry run reports every row and appends nothing', async () => {
    await actAs(t, QINGYUAN_BUREAU);
    const before = await t.eventCount();
    const res = await importCsv(QINGYUAN_BUREAU, CSV, true);
    expect(res.status).toBe(200);
    expect(await t.eventCount()).toBe(before);
    expect(res.body).toMatchObject({ dryRun: true, rows: 8, wouldCreate: 3, created: 0, rejected: 5 });
    const byRow = Object.fromEntries(res.body.results.map((r: { row: number }) => [r.row, r]));
    expect(byRow[2]).toMatchObject({ status: 'would_create', username: 'lin.xia', grant: { role: 'coordinator', scope: '441826105' }, message: expect.stringMatching(/^将创建 \(would be created\)/) });
    expect(byRow[2].oneTimePassword).toBeUndefined();
    expect(byRow[4].errors[0]).toMatchObject({ field: 'phone', kind: 'invalid' });
    expect(byRow[5].errors[0]).toMatchObject({ field: 'username', kind: 'conflict', message: expect.stringMatching(/与第 2 行的用户名重复/) });
    expect(byRow[6].errors[0]).toMatchObject({ field: 'role', message: expect.stringMatching(/未知的角色 “村长”/) });
    // Outside the bureau's scope (广州), as POST /api/users would refuse it.
    expect(byRow[7].errors[0]).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/不在您的管辖范围 4418 内/) });
    expect(byRow[8]).toMatchObject({ status: 'would_create', grant: { role: 'bureau', scope: '441826' } });
    expect(byRow[9].errors[0]).toMatchObject({ field: 'username', kind: 'invalid' });
  });

  it('a run opens the good rows with one-time passwords; bad rows write nothing; a re-run appends nothing', async () => {
    const before = await t.eventCount();
    const res = await importCsv(QINGYUAN_BUREAU, CSV);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, created: 3, rejected: 5, unchanged: 0 });
    expect(await t.eventCount()).toBe(before + 3 * 2); // each user with its grant, in one append
    for (const name of ['bad.phone', 'he.li', 'gz.worker', 'x']) expect(await streamLength(name)).toBe(0);
    const created = res.body.results.filter((r: { status: string }) => r.status === 'created');
    expect(created.map((r: { username: string }) => r.username)).toEqual(['lin.xia', 'wu.gang', 'county.staff']);
    expect(created[0].message).toMatch(/^已创建/);

    // The one-time password signs in, and only changing it is allowed until it is changed.
    await t.projections.waitFor(res.body.position);
    const session = await t.http().post('/api/auth/login').send({ username: 'lin.xia', password: created[0].oneTimePassword }).expect(200);
    expect(session.body).toMatchObject({ passwordChangeRequired: true, grant: { role: 'coordinator', scope: '441826105' } });
    await t.http().get('/api/needs').set({ Authorization: `Bearer ${session.body.accessToken}` }).expect(403);

    const beforeRerun = await t.eventCount(); // the sign-in started a session
    const again = await importCsv(QINGYUAN_BUREAU, CSV);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: 0, unchanged: 3, rejected: 5, position: null });
    expect(again.body.results.every((r: { oneTimePassword?: string }) => r.oneTimePassword === undefined)).toBe(true);
    expect(await t.eventCount()).toBe(beforeRerun);
  });

  it('an existing user with the same name gets a new grant; a different person under a taken username is refused', async () => {
    const res = await importCsv(ADMIN, ['username,name,role,scope', 'lin.xia,林霞,coordinator,441826106', 'wu.gang,吴钢,coordinator,441826105'].join('\n'));
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      expect.objectContaining({ row: 2, status: 'granted', grant: { role: 'coordinator', scope: '441826106' } }),
      expect.objectContaining({ row: 3, status: 'rejected', errors: [expect.objectContaining({ kind: 'conflict', message: expect.stringMatching(/已被 “吴刚” 使用/) })] }),
    ]);
  });

  it('who may import is who may create users: a coordinator is refused with 403, nothing appended', async () => {
    await actAs(t, COORDINATOR);
    const before = await t.eventCount();
    const res = await importCsv(COORDINATOR, CSV);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await t.eventCount()).toBe(before);
  });

  it('a file that is no list at all is a 422, never a 5xx', async () => {
    const missing = await importCsv(ADMIN, 'foo,bar\n1,2');
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toMatch(/^缺少必填列/);
    const none = await t.http().post('/api/users/import').set(await actAs(t, ADMIN)).send({});
    expect(none.status).toBe(422);
    const broken = await t.http().post('/api/users/import').set(await actAs(t, ADMIN)).attach('file', Buffer.from('PK\u0003\u0004 not really a zip'), 'users.xlsx');
    expect(broken.status).toBe(422);
  });

  it('takes an XLSX workbook as a multipart upload (English headers)', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('coordinators');
    sheet.addRow(['username', 'name', 'phone', 'role', 'scope']);
    sheet.addRow(['xlsx.one', '张一', '13800000001', 'coordinator', '441826105']);
    sheet.addRow(['xlsx.two', '张二', '020-12345678', '协调员', '441826105002']);
    sheet.addRow(['xlsx.three', '', '13800000003', 'coordinator', '441826105']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const dry = await t.http().post('/api/users/import').set(await actAs(t, ADMIN)).field('dryRun', 'true').attach('file', file, 'users.xlsx');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ format: 'xlsx', dryRun: true, wouldCreate: 2, rejected: 1 });
    expect(await streamLength('xlsx.one')).toBe(0);
    const run = await t.http().post('/api/users/import').set(await actAs(t, ADMIN)).attach('file', file, 'users.xlsx');
    expect(run.body).toMatchObject({ format: 'xlsx', created: 2, rejected: 1 });
    expect(run.body.results[2].errors[0]).toMatchObject({ field: 'displayName' });
    expect(await streamLength('xlsx.one')).toBe(2);
  });

  it('cli import-users: dry run writes nothing; a run writes the one-time passwords to a new file (0600); a re-run appends nothing', async () => {
    const bar = (): ProgressBar => ({ start: () => undefined, setTotal: () => undefined, update: () => undefined, stop: () => undefined });
    const lines: string[] = [];
    const file = join(dir, 'coordinators.csv');
    writeFileSync(file, ['用户名,姓名,手机号,角色,范围', 'cli.one,李一,13800000011,协调员,441826105', 'cli.two,李二,13800000012,协调员,441826105', 'cli.bad,李三,1,协调员,441826105'].join('\n'));
    expect(() => parseImportUsersArguments([file])).toThrow(/--passwords-out/);
    const before = await t.eventCount();
    const dry = await importUsers(t.app, parseImportUsersArguments([file, '--dry-run']), bar, (l) => lines.push(l));
    expect(dry).toMatchObject({ wouldCreate: 2, rejected: 1 });
    expect(await t.eventCount()).toBe(before);
    const out = join(dir, 'passwords.csv');
    const run = await importUsers(t.app, parseImportUsersArguments([file, '--passwords-out', out]), bar, (l) => lines.push(l));
    expect(run).toMatchObject({ created: 2, rejected: 1 });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const written = readFileSync(out, 'utf8');
    for (const r of run!.results.filter((x) => x.status === 'created')) expect(written).toContain(`${r.username},`), expect(written).toContain(r.oneTimePassword!);
    expect(lines.join('\n')).not.toContain(run!.results[0].oneTimePassword!);
    expect(lines.some((l) => /row 4 cli\.bad — 未导入 \(not imported\): 手机号不符合要求/.test(l))).toBe(true);
    const out2 = join(dir, 'passwords-2.csv');
    const rerun = await importUsers(t.app, parseImportUsersArguments([file, '--passwords-out', out2]), bar, () => undefined);
    expect(rerun).toMatchObject({ created: 0, unchanged: 2, rejected: 1 });
    expect(existsSync(out2)).toBe(false);
    expect(await t.eventCount()).toBe(before + 4);
    process.exitCode = 0;
  });
});
