import { makeCreditCode } from '@shecun/organizations';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOrganizations, parseImportArguments, ProgressBar } from '../../apps/standalone/src/import-organizations';
import { removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/** `cli import-organizations`: a file larger than the HTTP route takes, with progress, re-runnable. */
describe('cli import-organizations (embedded app context)', () => {
  let t: TestApp;
  let dir: string;
  const ROWS = 3000;

  beforeAll(async () => {
    t = await startEmbeddedApp();
    dir = mkdtempSync(join(tmpdir(), 'shecun-import-'));
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
    removeDir(dir);
  });

  /** Progress bars that record what they were told. */
  function recorder() {
    const bars: { label: string; total: number; values: number[]; stopped: boolean }[] = [];
    const bar = (label: string): ProgressBar => {
      const b = { label, total: 0, values: [] as number[], stopped: false };
      bars.push(b);
      return { start: (total, value) => ((b.total = total), b.values.push(value)), setTotal: (total) => (b.total = total), update: (v) => b.values.push(v), stop: () => (b.stopped = true) };
    };
    return { bars, bar };
  }

  it('parses its arguments', () => {
    expect(parseImportArguments(['f.csv'])).toEqual({ file: 'f.csv', dryRun: false });
    expect(parseImportArguments(['--dry-run', 'f.xlsx', '--scope', '4418', '--format', 'xlsx', '--report', 'r.json'])).toEqual({ file: 'f.xlsx', dryRun: true, scope: '4418', format: 'xlsx', report: 'r.json' });
    expect(() => parseImportArguments([])).toThrow(/usage: cli import-organizations/);
    expect(() => parseImportArguments(['f.csv', '--scope'])).toThrow(/--scope needs a value/);
    expect(() => parseImportArguments(['f.csv', '--scope', '3701'])).toThrow(/Guangdong division code prefix/);
    expect(() => parseImportArguments(['f.csv', '--format', 'ods'])).toThrow(/csv or xlsx/);
    expect(() => parseImportArguments(['f.csv', '--force'])).toThrow(/unknown option --force/);
  });

  it(`imports ${ROWS} rows with progress, reports the rejected ones, and registers nothing twice on a re-run`, async () => {
    const file = join(dir, 'registry.csv');
    const lines = ['统一社会信用代码,名称,登记地行政区划代码,服务领域,法定代表人'];
    for (let i = 0; i < ROWS; i++) lines.push(`${makeCreditCode('social_group', '441400', 50_000 + i)},梅州市批量协会${i},4414,${i % 2 ? '产业帮扶' : 'care'},某某`);
    lines.push(`${makeCreditCode('social_group', '441400', 49_999).slice(0, 17)}0,梅州市坏代码协会,4414,care,`);
    writeFileSync(file, lines.join('\n'));
    const printed: string[] = [];
    const report = join(dir, 'report.json');

    const dry = recorder();
    const before = await t.eventCount();
    const preview = await importOrganizations(t.app, { file, dryRun: true, scope: '4414' }, dry.bar, (l) => printed.push(l));
    expect(preview).toMatchObject({ rows: ROWS + 1, wouldRegister: ROWS, rejected: 1 });
    expect(await t.eventCount()).toBe(before);
    expect(dry.bars.map((b) => b.label)).toEqual(['check rows']);

    const progress = recorder();
    printed.length = 0;
    const done = await importOrganizations(t.app, { file, dryRun: false, report }, progress.bar, (l) => printed.push(l));
    expect(done).toMatchObject({ rows: ROWS + 1, registered: ROWS, existing: 0, rejected: 1 });
    expect(await t.eventCount()).toBe(before + ROWS);
    expect(progress.bars.map((b) => [b.label, b.total, b.values.at(-1), b.stopped])).toEqual([
      ['check rows', ROWS + 1, ROWS + 1, true],
      ['register', ROWS, ROWS, true],
    ]);
    expect(progress.bars[1].values.length).toBeGreaterThan(ROWS); // one update per row
    expect(printed).toEqual([
      expect.stringMatching(new RegExp(`^row ${ROWS + 2} .*: 统一社会信用代码无效：第 18 位校验码错误`)),
      'columns not imported: 法定代表人',
      `${file} (csv): ${ROWS + 1} rows — ${ROWS} registered, 0 already registered, 1 rejected`,
      `report written to ${report}`,
    ]);
    const written = JSON.parse(readFileSync(report, 'utf8'));
    expect(written.results).toHaveLength(ROWS + 1);
    expect(written.results[0]).toMatchObject({ row: 2, status: 'registered', name: '梅州市批量协会0' });

    const again = await importOrganizations(t.app, { file, dryRun: false }, recorder().bar, () => undefined);
    expect(again).toMatchObject({ registered: 0, existing: ROWS, rejected: 1 });
    expect(await t.eventCount()).toBe(before + ROWS);
  }, 120_000);

  it('acts as bureau staff of --scope: rows outside it are rejected', async () => {
    const file = join(dir, 'zhaoqing.csv');
    writeFileSync(file, `统一社会信用代码,名称,登记地行政区划代码,服务领域\n${makeCreditCode('foundation', '441200', 777)},肇庆市某基金会,4412,education\n`);
    const printed: string[] = [];
    const report = await importOrganizations(t.app, { file, dryRun: false, scope: '4418' }, recorder().bar, (l) => printed.push(l));
    expect(report).toMatchObject({ registered: 0, rejected: 1 });
    expect(printed[0]).toMatch(/^row 2 .*division 4412 is outside your scope 4418/);
  });

  it('says why a file cannot be read, and sets a failing exit code', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, '名称\n某协会\n');
    const printed: string[] = [];
    const exitCode = process.exitCode;
    try {
      expect(await importOrganizations(t.app, { file, dryRun: false }, recorder().bar, (l) => printed.push(l))).toBeUndefined();
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = exitCode;
    }
    expect(printed).toEqual([expect.stringMatching(/bad\.csv: 缺少必填列.*missing required columns: creditCode, homeDivisionCode, categories/)]);
  });
});
