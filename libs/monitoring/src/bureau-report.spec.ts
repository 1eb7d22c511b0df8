import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { periodLabel, reportPeriod } from './bureau-report';
import { ReportFontMissing, reportFont } from './bureau-report.pdf';

describe('report periods (China time)', () => {
  it('bounds a month and a quarter by China-time midnights', () => {
    expect(reportPeriod('2026-11')).toEqual({
      key: '2026-11', kind: 'month', firstDate: '2026-11-01', lastDate: '2026-11-30', startsAt: '2026-10-31T16:00:00.000Z', endsAt: '2026-11-30T16:00:00.000Z',
    });
    expect(reportPeriod('2026-Q4')).toMatchObject({ kind: 'quarter', firstDate: '2026-10-01', lastDate: '2026-12-31', endsAt: '2026-12-31T16:00:00.000Z' });
    expect(reportPeriod('2024-02').lastDate).toBe('2024-02-29');
    expect(periodLabel(reportPeriod('2026-11'))).toBe('2026年11月');
    expect(periodLabel(reportPeriod('2026-Q4'))).toBe('2026年第4季度');
  });

  it.each(['2026-13', '2026-00', '2026-Q0', '2026-Q5', '2026-W45', '2026', '26-11', '2026-1', '', '0000-01', '0099-Q1', '1999-12'])('refuses %p', (key) => {
    expect(() => reportPeriod(key)).toThrow(/报表周期须为 2000 年以后的月份/);
  });
});

describe('the PDF report font', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-font-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes REPORT_CJK_FONT and its family, and refuses a missing file with a Chinese-first 503', () => {
    const file = join(dir, 'font.ttf');
    writeFileSync(file, 'x');
    expect(reportFont({ REPORT_CJK_FONT: file })).toEqual({ path: file, family: undefined });
    expect(reportFont({ REPORT_CJK_FONT: file, REPORT_CJK_FONT_FAMILY: 'Some' })).toEqual({ path: file, family: 'Some' });
    let error: unknown;
    try {
      reportFont({ REPORT_CJK_FONT: join(dir, 'missing.ttc') });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReportFontMissing);
    expect((error as ReportFontMissing).getStatus()).toBe(503);
    expect((error as Error).message).toMatch(/^PDF 报表需要中文字体/);
  });
});
