import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { looksLikeFormula, neutralizeCellText, spreadsheetCell, spreadsheetRows, xlsxCellValue } from './spreadsheet-cell';

/** Text a spreadsheet would run (OWASP CSV injection), including after leading white space and in full-width forms. */
const FORMULAS = [
  '=HYPERLINK("http://x")', '+1', '-1', '@SUM(1)', '\t=1', '\r=1', '\n=1', '=1+2', '-2+3', '+cmd|\' /C calc\'!A0', '@x',
  ' =1', '   -1', '\u00a0@SUM(1)', '\u3000=1', '＝1', '＋1', '－1', '＠SUM(1)', ' \t=1',
];
const PLAIN = ['村小课桌椅', 'a=b', '1+1', 'HYPERLINK', '', "'=1", '广州市慈善会 (org-gz-charity)', 'x-1', '3.5', '合计：-1'];

describe('spreadsheet cells', () => {
  it('puts a single quote before text a spreadsheet could run as a formula, and nothing before other text', () => {
    for (const text of FORMULAS) {
      expect(looksLikeFormula(text)).toBe(true);
      expect(neutralizeCellText(text)).toBe(`'${text}`);
    }
    for (const text of PLAIN) expect(neutralizeCellText(text)).toBe(text);
  });

  it('keeps numbers numbers (negative amounts too) and writes nothing for null', () => {
    expect(spreadsheetCell(-500)).toBe(-500);
    expect(spreadsheetCell(0)).toBe(0);
    expect(spreadsheetCell(12.5)).toBe(12.5);
    expect(spreadsheetCell(10n)).toBe(10);
    expect(spreadsheetCell(true)).toBe(true);
    expect(spreadsheetCell(null)).toBe('');
    expect(spreadsheetCell(undefined)).toBe('');
    expect(spreadsheetCell(-Infinity)).toBe("'-Infinity");
    expect(spreadsheetCell('-500')).toBe("'-500");
    expect(spreadsheetCell({ formula: 'SUM(1)' })).toBe('{"formula":"SUM(1)"}');
  });

  it('round-trips through csv-stringify and csv-parse as text with the quote, numbers unquoted', () => {
    const rows = [...FORMULAS, ...PLAIN].map((text) => [text, -500, 12.5, 'end']);
    const parsed = parse(stringify(spreadsheetRows(rows)), { relax_column_count: false }) as string[][];
    expect(parsed).toEqual(rows.map(([text]) => [neutralizeCellText(text as string), '-500', '12.5', 'end']));
  });

  it('writes XLSX cells as values, never formulas: text with the quote, numbers as numbers', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('导出');
    for (const text of FORMULAS) sheet.addRow([xlsxCellValue(text), xlsxCellValue(-500)]);
    sheet.addRow([xlsxCellValue({ formula: 'SUM(1)', result: 1 }), xlsxCellValue(null)]);
    const read = new ExcelJS.Workbook();
    await read.xlsx.load(await workbook.xlsx.writeBuffer());
    const rows = read.worksheets[0].getRows(1, FORMULAS.length + 1)!;
    FORMULAS.forEach((text, i) => {
      const [cell, amount] = [rows[i].getCell(1), rows[i].getCell(2)];
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeFalsy();
      // The visible text: the original behind the quote (a CR as the LF that XML keeps of it).
      expect(cell.value).toBe(`'${text.replace(/\r/g, '\n')}`);
      expect(amount.type).toBe(ExcelJS.ValueType.Number);
      expect(amount.value).toBe(-500);
    });
    expect(rows[FORMULAS.length].getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(rows[FORMULAS.length].getCell(1).formula).toBeFalsy();
  });
});
