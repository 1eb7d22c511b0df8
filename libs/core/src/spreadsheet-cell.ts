/**
 * Cells of the CSV and XLSX files the app writes, safe to open in a spreadsheet program (the OWASP
 * CSV injection guidance): text that a spreadsheet would read as a formula — starting with `=`,
 * `+`, `-` or `@`, a tab, a carriage return or a line feed, their full-width forms (＝＋－＠, which
 * spreadsheets with East Asian input convert), also after leading white space — is written with a
 * single quote `'` in front, so it shows as the text it is. Numbers stay numbers (an amount of
 * -500 is a number, not text starting with '-'); quoting of separators, quotes and line breaks is
 * the CSV writer's (csv-stringify) job.
 */

/** White space a spreadsheet may skip before a formula, then a character that starts one. */
const FORMULA_START = /^[\p{White_Space}\u3000]*[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/u;

/** Whether a spreadsheet could take this text for a formula. */
export const looksLikeFormula = (text: string): boolean => FORMULA_START.test(text);

/** User text made safe for a spreadsheet cell: a single quote in front of anything a spreadsheet could run. */
export const neutralizeCellText = (text: string): string => (looksLikeFormula(text) ? `'${text}` : text);

/** A value of a CSV row or XLSX cell: numbers, booleans and dates as they are, text neutralised, nothing as ''. */
export type SpreadsheetValue = string | number | boolean | Date;

/**
 * One cell: finite numbers (and bigints, as numbers when safe), booleans and dates stay typed, so
 * a spreadsheet sums them; null and undefined are empty; everything else is text, neutralised.
 */
export function spreadsheetCell(value: unknown): SpreadsheetValue {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : neutralizeCellText(String(value));
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value;
  return neutralizeCellText(typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value));
}

/** A whole row of cells. */
export const spreadsheetRow = (values: readonly unknown[]): SpreadsheetValue[] => values.map(spreadsheetCell);

/** Rows for csv-stringify: every cell through spreadsheetCell (header cells too). */
export const spreadsheetRows = (rows: readonly (readonly unknown[])[]): SpreadsheetValue[][] => rows.map(spreadsheetRow);

/**
 * A value for an exceljs cell: never a formula, a hyperlink or rich text object — only a number,
 * boolean, date or plain string (neutralised), so exceljs writes it as a value cell. Line breaks
 * are written as LF: XML reads a bare CR back as LF anyway (end-of-line normalisation), so a CR
 * could not survive the file.
 */
export function xlsxCellValue(value: unknown): SpreadsheetValue {
  const cell = spreadsheetCell(value);
  return typeof cell === 'string' ? cell.replace(/\r\n?/g, '\n') : cell;
}
