import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { chinaDateTime } from './calendar';
import { exportColumns, exportCsv, exportHeader, exportXlsx, yuanOf } from './spreadsheet-export';

const columns = exportColumns([
  ['名称', 'name'],
  ['金额', 'amount', 'money'],
  ['发布时间', 'published_at', 'instant'],
  ['数量', 'count', 'number'],
]);
const sheet = { name: '测试', columns, rows: [['=1+1', 123_450, '2025-01-31T16:30:05.123Z', 3], ['乙', -5, null, null], ['丙', null, '', 0]] };

describe('spreadsheet exports', () => {
  it('writes fen as 元 with two decimals by integer arithmetic, signs and large amounts included', () => {
    expect([0, 5, 50, 100, 123_450, 123_405, -5, -100_001, 900_719_925_474_099].map(yuanOf)).toEqual(['0.00', '0.05', '0.50', '1.00', '1234.50', '1234.05', '-0.05', '-1000.01', '9007199254740.99']);
    expect(() => yuanOf(1.5)).toThrow();
  });

  it('shows an instant as China time', () => {
    expect(chinaDateTime('2025-01-31T16:30:05.123Z')).toBe('2025-02-01 00:30:05');
    expect(chinaDateTime('2025-06-30T23:59:59+08:00')).toBe('2025-06-30 23:59:59');
  });

  it('names the columns from one table: Chinese by default, English on request, money as 元 and 分, instants saying China time', () => {
    expect(exportHeader(columns, 'zh')).toEqual(['名称', '金额（元）', '金额（分）', '发布时间（北京时间）', '数量']);
    expect(exportHeader(columns, 'en')).toEqual(['name', 'amount_yuan', 'amount_fen', 'published_at_china_time', 'count']);
    expect(() => exportColumns([['金额（元）', 'x'], ['金额', 'amount', 'money']])).toThrow('export column 金额（元） is named twice');
    expect(() => exportCsv({ name: 'x', columns, rows: [['only one']] }, 'zh')).toThrow('an export row has 1 values for 4 columns');
  });

  it('CSV: a byte order mark, 元 strings (negative ones unquoted), fen, China time, formulas neutralised', () => {
    const text = exportCsv(sheet, 'zh');
    expect(text.startsWith('\ufeff')).toBe(true);
    expect(parse(text, { bom: true })).toEqual([
      ['名称', '金额（元）', '金额（分）', '发布时间（北京时间）', '数量'],
      ["'=1+1", '1234.50', '123450', '2025-02-01 00:30:05', '3'],
      ['乙', '-0.05', '-5', '', ''],
      ['丙', '', '', '', '0'],
    ]);
  });

  it('XLSX: the same columns, 元 and fen as numbers with a 0.00 format, text neutralised', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await exportXlsx(sheet, 'en')) as unknown as ExcelJS.Buffer);
    const ws = workbook.worksheets[0];
    expect(ws.name).toBe('测试');
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['name', 'amount_yuan', 'amount_fen', 'published_at_china_time', 'count']);
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(["'=1+1", 1234.5, 123450, '2025-02-01 00:30:05', 3]);
    expect(ws.getCell('B2').numFmt).toBe('0.00');
    expect(ws.getCell('B3').value).toBe(-0.05);
    expect([ws.getCell('D3').value, ws.getCell('B4').value, ws.getCell('E4').value]).toEqual([null, null, 0]);
  });
});
