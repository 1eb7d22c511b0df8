import { makeCreditCode } from '@shecun/organizations';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { actAs, COORDINATOR, removeDir, startEmbeddedApp, staffOf, TestActor, TestApp, userIdOf } from '../support/embedded-app';
import { registerOrganization } from '../support/organizations';

/**
 * POST /api/organizations/import: the bureau's registry export (CSV or XLSX, base64 in JSON),
 * every row checked and reported, valid rows registered through the command path, re-runs
 * appending nothing; the sample file of docs/samples.
 */
describe('registry import over HTTP (embedded)', () => {
  let t: TestApp;
  const SAMPLE = readFileSync(join(__dirname, '../../docs/samples/organizations-registry.csv'));
  const qingyuan: TestActor = { id: 'mzj-qy-import', role: 'bureau', scope: '4418' };
  const lianNan: TestActor = { id: 'mzj-ln-import', role: 'bureau', scope: '441826' };
  const meizhou: TestActor = { id: 'mzj-mz-import', role: 'bureau', scope: '4414' };
  const admin: TestActor = { id: 'admin-import', role: 'admin' };
  const HEADER = '统一社会信用代码,名称,登记地行政区划代码,服务领域';

  beforeAll(async () => {
    t = await startEmbeddedApp();
    // Sign everyone in up front, so that counting events around a request counts only that request's.
    for (const actor of [qingyuan, lianNan, meizhou, admin, COORDINATOR, staffOf('org-x')]) await actAs(t, actor);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const send = async (actor: TestActor | undefined, body: object, headers: Record<string, string> = {}) =>
    t.http().post('/api/organizations/import').set(actor ? await actAs(t, actor) : {}).set(headers).send(body);
  /** A report (200), or the test fails showing what came back instead. */
  const report = async (actor: TestActor, body: object, headers: Record<string, string> = {}) => {
    const res = await send(actor, body, headers);
    expect({ status: res.status, body: res.status === 200 ? 'report' : res.body }).toEqual({ status: 200, body: 'report' });
    return res;
  };
  const csvBody = (text: string | Buffer, over: object = {}) => ({ content: Buffer.from(text).toString('base64'), ...over });
  const expectProblem = (res: { status: number; headers: Record<string, string>; body: { detail?: string } }, status: number, detail?: RegExp) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (detail) expect(res.body.detail).toMatch(detail);
  };

  it('dry-runs the sample: every row reported, nothing appended', async () => {
    const before = await t.eventCount();
    const res = await report(qingyuan, csvBody(SAMPLE, { dryRun: true }));
    expect(res.body).toMatchObject({ format: 'csv', dryRun: true, rows: 10, registered: 0, wouldRegister: 8, existing: 0, rejected: 2, ignoredColumns: [], position: null });
    expect(res.body.results.map((r: { row: number; status: string }) => [r.row, r.status])).toEqual([
      [2, 'would_register'], [3, 'would_register'], [4, 'would_register'], [5, 'would_register'], [6, 'would_register'],
      [7, 'would_register'], [8, 'would_register'], [9, 'would_register'], [10, 'rejected'], [11, 'rejected'],
    ]);
    expect(res.body.results[8].errors).toEqual([
      { field: 'creditCode', kind: 'invalid', check: 'check-character', message: expect.stringMatching(/^统一社会信用代码无效：第 18 位校验码错误（GB 32100）.*\(the GB 32100 check character should be/) },
    ]);
    expect(res.body.results[9].errors).toEqual([{ field: 'categories', kind: 'invalid', message: expect.stringMatching(/^未知的服务领域 “扶贫”.*\(unknown service field '扶贫'/) }]);
    expect(await t.eventCount()).toBe(before);
  });

  it('registers the valid rows through the command path (actor and correlation on every event); a re-run appends nothing', async () => {
    const before = await t.eventCount();
    const res = await report(qingyuan, csvBody(SAMPLE), { 'X-Correlation-Id': 'import-sample-1' });
    expect(res.body).toMatchObject({ dryRun: false, rows: 10, registered: 8, wouldRegister: 0, existing: 0, rejected: 2 });
    expect(await t.eventCount()).toBe(before + 8);
    const rows = parse(SAMPLE, { columns: true, bom: true }) as Record<string, string>[];
    expect(res.body.results.filter((r: { status: string }) => r.status === 'registered').map((r: { organizationId: string }) => r.organizationId)).toEqual(
      rows.slice(0, 8).map((r) => r['平台编号'] || r['统一社会信用代码']),
    );

    const federation = await t.http().get('/api/organizations/org-qy-federation').set('X-Min-Position', String(res.body.position)).expect(200);
    expect(federation.body).toMatchObject({ name: '清远市社会组织联合会', hubKind: 'hub', categories: ['industry', 'volunteer', 'care'], homeDivisionCode: '4418', contact: { person: '秘书处', phone: '0763-3300003', address: '清远市清城区' } });
    const lianNanCentre = await t.http().get(`/api/organizations/${rows[4]['统一社会信用代码']}`).expect(200);
    expect(lianNanCentre.body).toMatchObject({ type: 'social_service_institution', categories: ['care', 'volunteer'], homeDivisionCode: '441826' });
    const history = await t.http().get('/api/organizations/org-qy-chicken/events').expect(200);
    expect(history.body).toHaveLength(1);
    expect(history.body[0]).toMatchObject({ type: 'OrganizationRegistered', actor: { id: userIdOf(qingyuan), role: 'bureau' }, correlationId: 'import-sample-1' });
    const directory = await t.http().get('/api/organizations').query({ division: '4418', pageSize: 100 }).expect(200);
    expect(directory.body.total).toBe(8);

    // The same file again, as CSV or as XLSX: everything registered is reported as existing.
    const again = await report(qingyuan, csvBody(SAMPLE));
    expect(again.body).toMatchObject({ registered: 0, existing: 8, rejected: 2, position: null });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('社会组织名录');
    for (const r of parse(SAMPLE, { bom: true }) as string[][]) ws.addRow(r);
    const xlsx = await report(qingyuan, { content: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') });
    expect(xlsx.body).toMatchObject({ format: 'xlsx', rows: 10, registered: 0, existing: 8, rejected: 2 });
    expect(await t.eventCount()).toBe(before + 8);
  });

  it('rejects rows outside the caller’s scope, duplicates within the file and codes already registered under another id', async () => {
    const taken = await registerOrganization(t, { id: 'org-ln-taken', homeDivisionCode: '441826' });
    const fresh = makeCreditCode('social_group', '441826', 8101);
    const guangzhouCode = makeCreditCode('social_group', '440100', 8102);
    const file = [
      `平台编号,${HEADER}`,
      `org-ln-a,${fresh},连南新协会,441826,教育`,
      `org-ln-b,${fresh},连南重复协会,441826,教育`,
      `org-ln-c,${taken},连南冒用协会,441826,care`,
      `,${guangzhouCode},广州某协会,4401,care`,
      `org-ln-d,${makeCreditCode('social_group', '441800', 8103)},清远市级协会,4418,care`,
      `org-ln-e,${makeCreditCode('social_group', '441826', 8104)},连南未知区划协会,441826999,care`,
      `org-ln-a,${makeCreditCode('social_group', '441826', 8105)},连南同编号协会,441826,care`,
    ].join('\n');
    const before = await t.eventCount();
    const res = await report(lianNan, csvBody(file));
    expect(res.body).toMatchObject({ rows: 7, registered: 1, rejected: 6 });
    const byRow = Object.fromEntries(res.body.results.map((r: { row: number }) => [r.row, r]));
    expect(byRow[2]).toMatchObject({ status: 'registered', organizationId: 'org-ln-a' });
    expect(byRow[3].errors).toEqual([{ field: 'creditCode', kind: 'conflict', message: '与第 2 行的统一社会信用代码重复 (duplicates the credit code of row 2)' }]);
    expect(byRow[4].errors).toEqual([{ field: 'creditCode', kind: 'conflict', message: `统一社会信用代码 ${taken} 已由 org-ln-taken 登记 (this credit code is already registered as org-ln-taken)` }]);
    expect(byRow[5].errors).toEqual([{ kind: 'forbidden', message: '行政区划 4401 不在您的管辖范围 441826 内 (division 4401 is outside your scope 441826)' }]);
    expect(byRow[6].errors[0]).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/division 4418 is outside your scope 441826/) });
    expect(byRow[7].errors).toEqual([{ field: 'homeDivisionCode', kind: 'invalid', message: '行政区划代码 441826999 不是广东省的行政区划 (not a known Guangdong division code)' }]);
    expect(byRow[8].errors).toEqual([{ field: 'id', kind: 'conflict', message: '与第 2 行的组织重复：org-ln-a (duplicates row 2: same organization org-ln-a)' }]);
    expect(await t.eventCount()).toBe(before + 1);

    // Bureau staff of another city: every row is outside its scope, nothing is appended.
    const outside = await report(meizhou, csvBody(file));
    expect(outside.body).toMatchObject({ registered: 0, rejected: 7 });
    expect(await t.eventCount()).toBe(before + 1);
  });

  it('is for bureau staff only', async () => {
    const before = await t.eventCount();
    for (const actor of [admin, COORDINATOR, staffOf('org-x')]) expectProblem(await send(actor, csvBody(SAMPLE)), 403, /only bureau staff may import the registry/);
    expectProblem(await send(undefined, csvBody(SAMPLE)), 401);
    expect(await t.eventCount()).toBe(before);
  });

  it('refuses a file it cannot read as a whole, with a clear problem, appending nothing', async () => {
    const before = await t.eventCount();
    expectProblem(await send(qingyuan, { content: '***not base64***' }), 400, /content must be base64 encoded/);
    expectProblem(await send(qingyuan, { content: Buffer.from('x').toString('base64'), format: 'pdf' }), 400, /format/);
    expectProblem(await send(qingyuan, { content: Buffer.from('not a workbook').toString('base64'), format: 'xlsx' }), 422, /not a readable XLSX workbook/);
    const missing = await send(qingyuan, csvBody('名称,服务领域\n某协会,care\n'));
    expectProblem(missing, 422, /缺少必填列：统一社会信用代码 \(creditCode\)、登记地行政区划代码 \(homeDivisionCode\).*missing required columns: creditCode, homeDivisionCode/);
    expect(missing.body.missingColumns).toEqual(['creditCode', 'homeDivisionCode']);
    expectProblem(await send(qingyuan, csvBody(`${HEADER}\n"unclosed,4418,care\n`)), 422, /the CSV file cannot be read/);
    const rows = Array.from({ length: 2001 }, (_, i) => `${makeCreditCode('social_group', '441800', 20_000 + i)},协会${i},4418,care`);
    expectProblem(await send(qingyuan, csvBody([HEADER, ...rows].join('\n'))), 422, /more than 2000 data rows/);
    const huge = `${HEADER}\n${'x'.repeat(300_000)}`;
    expectProblem(await send(qingyuan, csvBody(huge)), 413);
    expect(await t.eventCount()).toBe(before);
  });

  it('takes 2,000 rows in one request within the request timeout; an Idempotency-Key retry gets the same report', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `${makeCreditCode(i % 3 === 0 ? 'foundation' : 'social_group', '441800', 30_000 + i)},清远市批量协会${i},4418,${i % 2 ? '教育帮扶' : 'care'}`);
    const body = csvBody([HEADER, ...rows].join('\n'));
    // 200, not the 503 the request timeout would answer.
    const res = await send(qingyuan, body, { 'Idempotency-Key': 'import-2000-rows-0001' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 2000, registered: 2000, rejected: 0 });
    const before = await t.eventCount();
    const replay = await report(qingyuan, body, { 'Idempotency-Key': 'import-2000-rows-0001' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(res.body);
    expect(await t.eventCount()).toBe(before);
  }, 60_000);
});
