import { ServiceUnavailableException } from '@nestjs/common';
import { yuanOf } from '@shecun/core';
import { existsSync } from 'node:fs';
// Loaded when a PDF is made, not at start.
import type PDFKit from 'pdfkit';
import { BureauReport, reportTitle } from './bureau-report';
import { categoryLabel, lackingText } from './bureau-report.exports';

/**
 * The report as a PDF (pdfkit): heading, KPIs, a bar chart of the sub-regions' needs published,
 * matched and fulfilled, the sub-region table, the donation summary and the unmet needs. Chinese
 * text needs a CJK font: REPORT_CJK_FONT names its file (TrueType / OpenType, or a collection
 * .ttc with REPORT_CJK_FONT_FAMILY naming the font in it); without it the usual Debian fonts are
 * looked for (fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk). No font: 503 problem+json.
 */

const KNOWN_FONTS: ReadonlyArray<{ path: string; family: string }> = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
];

export class ReportFontMissing extends ServiceUnavailableException {}

/** The CJK font the PDF is written with; ReportFontMissing (503) when there is none. */
export function reportFont(env: NodeJS.ProcessEnv = process.env): { path: string; family?: string } {
  const configured = env.REPORT_CJK_FONT;
  if (configured) {
    if (!existsSync(configured)) {
      throw new ReportFontMissing(`PDF 报表需要中文字体，但 REPORT_CJK_FONT 指定的文件不存在：${configured} (the CJK font file REPORT_CJK_FONT names does not exist; the XLSX report needs no font)`);
    }
    const family = env.REPORT_CJK_FONT_FAMILY || KNOWN_FONTS.find((f) => f.path === configured)?.family;
    return { path: configured, family };
  }
  const found = KNOWN_FONTS.find((f) => existsSync(f.path));
  if (!found) {
    throw new ReportFontMissing(
      '服务器没有可用的中文字体，无法生成 PDF 报表：请安装 fonts-wqy-microhei 或设置 REPORT_CJK_FONT 为字体文件路径；XLSX 报表不受影响 (no CJK font for the PDF report: install fonts-wqy-microhei or set REPORT_CJK_FONT)',
    );
  }
  return found;
}

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const num = (n: number | null) => (n === null ? '—' : String(Math.round(n * 10) / 10));
const MARGIN = 50;
const COLORS = ['#4e79a7', '#f28e2b', '#59a14f'];

export async function reportPdf(r: BureauReport, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const font = reportFont(env);
  const PDFDocument = (await import('pdfkit')).default;
  const doc: PDFKit.PDFDocument = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: reportTitle(r), Author: '社村通' } });
  try {
    doc.registerFont('cjk', font.path, font.family ?? '');
    doc.font('cjk');
  } catch (e) {
    throw new ReportFontMissing(`PDF 报表的中文字体无法读取：${font.path}${font.family ? `（${font.family}）` : ''}；字体集 .ttc 需设置 REPORT_CJK_FONT_FAMILY (the CJK font cannot be read: ${(e as Error).message})`);
  }
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.fontSize(18).text(reportTitle(r), { align: 'center' });
  doc.moveDown(0.3).fontSize(10).fillColor('#444')
    .text(`区划代码 ${r.region.code} · 统计区间 ${r.period.firstDate} 至 ${r.period.lastDate}（北京时间）· 生成于 ${r.generatedAt}`, { align: 'center' });
  doc.fillColor('black');

  const k = r.kpis;
  heading(doc, '一、主要指标');
  table(doc, ['指标', '数值'], [
    ['发布需求数', String(k.published)],
    ['已对接需求数', String(k.matched)],
    ['已完成需求数', String(k.fulfilled)],
    ['对接成功率（已对接 ÷ 发布）', pct(k.matchRate)],
    ['转化率（已完成 ÷ 已对接）', pct(k.conversionRate)],
    ['首次接单用时中位数（小时）', num(k.timeToFirstAcceptance.medianHours)],
    ['组建团队数', String(k.teamsFormed)],
    ['重点村结对覆盖率（当前）', `${pct(k.keyVillageCoverage)}（${k.coveredKeyVillages}/${k.keyVillages}）`],
  ], [300, 195]);

  heading(doc, '二、下级区域');
  const rows = r.subRegions.rows;
  if (rows.length === 0) doc.fontSize(10).text('本区域无下级区域。');
  else {
    barChart(doc, rows.filter((s) => s.code !== null));
    table(doc, ['区域', '发布', '对接', '完成', '对接率', '转化率', '外部接收（元）', '已使用（元）'],
      rows.map((s) => [s.name, String(s.published), String(s.matched), String(s.fulfilled), pct(s.matchRate), pct(s.conversionRate), yuanOf(s.money.receivedFen), yuanOf(s.money.usedFen)]),
      [95, 40, 40, 40, 50, 50, 90, 90]);
  }

  const m = r.money;
  heading(doc, '三、捐赠汇总（元）');
  table(doc, ['项目', '金额（元）'], [
    ['外部接收', yuanOf(m.receivedFen)],
    ['已分配', yuanOf(m.allocatedFen)],
    ['已使用', yuanOf(m.usedFen)],
    ['有凭证使用', yuanOf(m.evidencedFen)],
    ['受益方已确认', yuanOf(m.confirmedFen)],
    ['组织间转入（转移，不是新增资金）', yuanOf(m.transferredFen)],
  ], [300, 195]);

  heading(doc, '四、未满足需求（开放最久者在前）');
  if (r.unmetNeeds.length === 0) doc.fontSize(10).text('暂无未满足的需求。');
  else {
    table(doc, ['需求', '村', '类别', '尚缺', '天数'],
      r.unmetNeeds.map((n) => [n.title, n.villageName, categoryLabel(n.category), lackingText(n) || '—', String(n.daysOpen)]),
      [130, 90, 70, 165, 40]);
  }
  doc.moveDown().fontSize(8).fillColor('#666').text('金额以分记账、以元显示（两位小数）；日期为北京时间。需求指标按本期发布的需求计，里程碑计至生成时。', MARGIN);
  doc.end();
  return done;
}

function heading(doc: PDFKit.PDFDocument, text: string): void {
  if (doc.y > doc.page.height - 150) doc.addPage();
  doc.moveDown(0.8).fontSize(13).fillColor('black').text(text, MARGIN);
  doc.moveDown(0.3);
}

function table(doc: PDFKit.PDFDocument, header: string[], rows: string[][], widths: number[]): void {
  const draw = (cells: string[], bold: boolean) => {
    doc.fontSize(9);
    const height = Math.max(16, ...cells.map((c, i) => doc.heightOfString(c, { width: widths[i] - 6 }) + 6));
    if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
    const y = doc.y;
    let x = MARGIN;
    if (bold) doc.rect(MARGIN, y, widths.reduce((a, b) => a + b, 0), height).fill('#eeeeee').fillColor('black');
    cells.forEach((c, i) => {
      doc.text(c, x + 3, y + 3, { width: widths[i] - 6 });
      x += widths[i];
    });
    doc.moveTo(MARGIN, y + height).lineTo(x, y + height).strokeColor('#cccccc').stroke();
    doc.x = MARGIN;
    doc.y = y + height;
  };
  draw(header, true);
  for (const row of rows) draw(row, false);
}

/** Grouped bars per sub-region: needs published, matched, fulfilled. */
function barChart(doc: PDFKit.PDFDocument, rows: BureauReport['subRegions']['rows']): void {
  const shown = rows.slice(0, 24);
  const chartHeight = 120;
  if (doc.y + chartHeight + 40 > doc.page.height - MARGIN) doc.addPage();
  const top = doc.y + 14;
  const width = doc.page.width - 2 * MARGIN;
  const max = Math.max(1, ...shown.map((s) => s.published));
  const slot = width / Math.max(1, shown.length);
  const bar = Math.min(12, (slot - 4) / 3);
  doc.fontSize(8).fillColor('black');
  ['发布', '对接', '完成'].forEach((label, i) => {
    doc.rect(MARGIN + i * 60, top - 12, 8, 8).fill(COLORS[i]);
    doc.fillColor('black').text(label, MARGIN + i * 60 + 11, top - 13, { lineBreak: false });
  });
  shown.forEach((s, i) => {
    const x0 = MARGIN + i * slot + (slot - 3 * bar) / 2;
    [s.published, s.matched, s.fulfilled].forEach((v, j) => {
      const h = (v / max) * chartHeight;
      if (h > 0) doc.rect(x0 + j * bar, top + chartHeight - h, bar - 1, h).fill(COLORS[j]);
    });
  });
  doc.moveTo(MARGIN, top + chartHeight).lineTo(MARGIN + width, top + chartHeight).strokeColor('#888888').stroke();
  // The scale: a dashed line at the largest count.
  doc.moveTo(MARGIN, top).lineTo(MARGIN + width, top).dash(2, { space: 2 }).strokeColor('#bbbbbb').stroke().undash();
  doc.fillColor('#666666').fontSize(7).text(`需求数 ${max}`, MARGIN + width - 80, top - 10, { width: 80, align: 'right', lineBreak: false });
  doc.fillColor('black').fontSize(6);
  shown.forEach((s, i) => doc.text(s.name, MARGIN + i * slot, top + chartHeight + 3, { width: slot, align: 'center', height: 18, ellipsis: true }));
  doc.x = MARGIN;
  doc.y = top + chartHeight + 24;
  if (rows.length > shown.length) {
    doc.fillColor('#666666').fontSize(7).text(`图中为前 ${shown.length} 个下级区域（共 ${rows.length} 个），全部见下表。`, MARGIN, doc.y, { width });
    doc.fillColor('black');
  }
}
