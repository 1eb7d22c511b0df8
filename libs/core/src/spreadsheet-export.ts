import { chinaDateTime } from './calendar';
import { spreadsheetCell, xlsxCellValue } from './spreadsheet-cell';
import { stringify } from 'csv-stringify/sync';
// Loaded when a workbook is written, not at start: exceljs takes about a second to load.
import type ExcelJS from 'exceljs';

/**
 * Exports people open (CSV with a byte order mark, XLSX): one table of columns per export, each
 * column with its Chinese and English name and what it holds. Chinese headers by default, English
 * on request. A money column is given integer fen and becomes two columns: 元 with two decimals
 * (computed from the fen by integer division, no floating point) and the fen as a machine column.
 * An instant column is given an ISO instant and shows it in China time (UTC+8), its header saying
 * so. Text goes through spreadsheetCell (formulas neutralised); numbers stay numbers.
 */

export const EXPORT_LANGS = ['zh', 'en'] as const;
export type ExportLang = (typeof EXPORT_LANGS)[number];
export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** text: user or code text; number: a figure; money: integer fen; instant: an ISO instant. */
export type ExportColumnKind = 'text' | 'number' | 'money' | 'instant';

export interface ExportColumn {
  zh: string;
  en: string;
  kind?: ExportColumnKind;
}

/** A column table: `[zh, en, kind?]` per column, in order. */
export type ExportColumnTable = readonly (readonly [zh: string, en: string, kind?: ExportColumnKind])[];

/** The columns of a table; a header used twice (in either language) is a mistake in the table. */
export function exportColumns(table: ExportColumnTable): ExportColumn[] {
  const columns = table.map(([zh, en, kind]) => ({ zh, en, kind }));
  for (const lang of EXPORT_LANGS) {
    const names = exportHeader(columns, lang);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new Error(`export column ${twice} is named twice`);
  }
  return columns;
}

export interface ExportSheet {
  /** Worksheet name (XLSX). */
  name: string;
  columns: readonly ExportColumn[];
  /** One value per column: fen for money columns, an ISO instant for instant columns, '' or null when empty. */
  rows: readonly (readonly unknown[])[];
}

/** Integer fen as 元 with two decimals ("1234.50", "-0.05"), by integer division and remainder. */
export function yuanOf(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`amount in fen must be an integer: ${fen}`);
  const abs = Math.abs(fen);
  const cents = abs % 100;
  return `${fen < 0 ? '-' : ''}${(abs - cents) / 100}.${String(cents).padStart(2, '0')}`;
}

/** The header cells of a column (a money column gives two). */
export function headerOf(c: ExportColumn, lang: ExportLang): string[] {
  if (c.kind === 'money') return lang === 'zh' ? [`${c.zh}（元）`, `${c.zh}（分）`] : [`${c.en}_yuan`, `${c.en}_fen`];
  if (c.kind === 'instant') return [lang === 'zh' ? `${c.zh}（北京时间）` : `${c.en}_china_time`];
  return [lang === 'zh' ? c.zh : c.en];
}

export const exportHeader = (columns: readonly ExportColumn[], lang: ExportLang): string[] => columns.flatMap((c) => headerOf(c, lang));

const empty = (v: unknown) => v === null || v === undefined || v === '';

/** A row's cells: 元 as an exact decimal string (CSV) or the number it reads as (XLSX). */
function cellsOf(columns: readonly ExportColumn[], row: readonly unknown[], target: 'csv' | 'xlsx'): unknown[] {
  if (row.length !== columns.length) throw new Error(`an export row has ${row.length} values for ${columns.length} columns`);
  return columns.flatMap((c, i) => {
    const v = row[i];
    switch (c.kind) {
      case 'money': {
        if (empty(v)) return ['', ''];
        const yuan = yuanOf(Number(v));
        return [target === 'csv' ? { yuan } : Number(yuan), Number(v)];
      }
      case 'instant':
        return [empty(v) ? '' : chinaDateTime(v instanceof Date ? v : String(v))];
      default:
        return [v];
    }
  });
}

/** The CSV (UTF-8 with a byte order mark so spreadsheets read it as UTF-8). */
export function exportCsv(sheet: ExportSheet, lang: ExportLang): string {
  const header = exportHeader(sheet.columns, lang).map(spreadsheetCell);
  // A 元 string is ours ("-12.50"): written as is, so a negative amount is not taken for a formula and quoted.
  const rows = sheet.rows.map((r) => cellsOf(sheet.columns, r, 'csv').map((v) => (v && typeof v === 'object' && 'yuan' in v ? (v as { yuan: string }).yuan : spreadsheetCell(v))));
  return '\ufeff' + stringify([header, ...rows]);
}

/** The XLSX workbook (exceljs, loaded on first use): one worksheet, bold header, 元 with a 0.00 number format. */
export const exportXlsx = (sheet: ExportSheet, lang: ExportLang): Promise<Buffer> => exportXlsxWorkbook([sheet], lang);

/** A workbook of several worksheets, each written as `exportXlsx` writes its one. */
export async function exportXlsxWorkbook(sheets: readonly ExportSheet[], lang: ExportLang): Promise<Buffer> {
  const excel = (await import('exceljs')).default;
  const workbook: ExcelJS.Workbook = new excel.Workbook();
  workbook.created = new Date();
  for (const sheet of sheets) addWorksheet(workbook, sheet, lang);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addWorksheet(workbook: ExcelJS.Workbook, sheet: ExportSheet, lang: ExportLang): void {
  const ws = workbook.addWorksheet(sheet.name.slice(0, 31));
  const header = exportHeader(sheet.columns, lang);
  ws.addRow(header.map(xlsxCellValue)).font = { bold: true };
  // An empty value is an empty cell, not an empty string.
  for (const r of sheet.rows) ws.addRow(cellsOf(sheet.columns, r, 'xlsx').map((v) => (empty(v) ? null : xlsxCellValue(v))));
  let n = 1;
  for (const c of sheet.columns) {
    if (c.kind === 'money') {
      ws.getColumn(n).numFmt = '0.00';
      ws.getColumn(n + 1).numFmt = '0';
    }
    n += headerOf(c, lang).length;
  }
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}
