import { DomainError } from '@shecun/core';
import ExcelJS from 'exceljs';
import { makeCreditCode } from './credit-code';
import { candidateFromRow, cellText, decodeText, mapColumns, normalizeColumnName, readRegistryFile, sniffFormat } from './registry-import';

const CODE = makeCreditCode('social_group', '440100', 4242);
const HEADER = '统一社会信用代码,名称,登记地行政区划代码,服务领域';

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

async function workbook(rows: unknown[][], extraSheet = false): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名录');
  for (const r of rows) ws.addRow(r);
  if (extraSheet) wb.addWorksheet('说明').addRow(['不应读取']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('reading the registry export', () => {
  it('reads CSV rows with spreadsheet row numbers, skipping empty lines, quoted commas and line breaks kept', async () => {
    const csv = `\uFEFF${HEADER},简介\n${CODE},广州市测试协会,4401,教育帮扶,"助学, 帮教"\n\n${CODE},"第二
行",4401,care,\n`;
    const sheet = await readRegistryFile(Buffer.from(csv), 'csv');
    expect(sheet.header).toEqual(['统一社会信用代码', '名称', '登记地行政区划代码', '服务领域', '简介']);
    expect(sheet.headerRow).toBe(1);
    expect(sheet.rows).toEqual([
      { row: 2, cells: [CODE, '广州市测试协会', '4401', '教育帮扶', '助学, 帮教'] },
      { row: 4, cells: [CODE, '第二\n行', '4401', 'care', ''] },
    ]);
  });

  it('reads tab-separated text, and GB18030 text as Excel saves CSV in Chinese locales', async () => {
    const tsv = await readRegistryFile(Buffer.from(`creditCode\tname\thomeDivisionCode\tcategories\n${CODE}\tA\t4401\thealth\n`), 'csv');
    expect(tsv.rows[0].cells).toEqual([CODE, 'A', '4401', 'health']);
    expect(decodeText(Buffer.from([0xc3, 0xfb, 0xb3, 0xc6]))).toBe('名称'); // GBK bytes of 名称
    expect(decodeText(Buffer.from('\uFEFF名称', 'utf8'))).toBe('名称');
  });

  it('reads the first worksheet of an XLSX workbook: numbers, rich text, formula results', async () => {
    const file = await workbook(
      [
        ['统一社会信用代码', '名称', '登记地行政区划代码', '服务领域'],
        [{ richText: [{ text: CODE.slice(0, 6) }, { text: CODE.slice(6) }] }, '广州市测试协会', 440100, { formula: '"教育帮扶"', result: '教育帮扶' }],
        [],
        [CODE, ' 第二 ', 4401, 'care'],
      ],
      true,
    );
    expect(sniffFormat(file)).toBe('xlsx');
    const sheet = await readRegistryFile(file);
    expect(sheet.rows).toEqual([
      { row: 2, cells: [CODE, '广州市测试协会', '440100', '教育帮扶'] },
      { row: 4, cells: [CODE, '第二', '4401', 'care'] },
    ]);
  });

  it('refuses, as a whole, a file that is empty, not a workbook, broken CSV or longer than allowed', async () => {
    expect((await rejection(readRegistryFile(Buffer.alloc(0), 'csv'))).message).toMatch(/the file is empty/);
    expect((await rejection(readRegistryFile(Buffer.from('\n\n,,\n'), 'csv'))).message).toMatch(/first row must name the columns/);
    expect((await rejection(readRegistryFile(Buffer.from('not a zip'), 'xlsx'))).message).toMatch(/not a readable XLSX workbook/);
    expect((await rejection(readRegistryFile(Buffer.from(`${HEADER}\n"unclosed,x,y,z\n`), 'csv'))).message).toMatch(/the CSV file cannot be read/);
    const many = [HEADER, ...Array.from({ length: 6 }, () => `${CODE},a,4401,care`)].join('\n');
    const tooMany = await rejection(readRegistryFile(Buffer.from(many), 'csv', 5));
    expect(tooMany).toMatchObject({ kind: 'invalid', details: { maxRows: 5 } });
    expect(tooMany.message).toMatch(/more than 5 data rows/);
    expect((await rejection(readRegistryFile(await workbook([HEADER.split(','), ...Array.from({ length: 6 }, () => [CODE, 'a', '4401', 'care'])]), 'xlsx', 5))).message).toMatch(/more than 5/);
    expect((await readRegistryFile(Buffer.from(many), 'csv', 6)).rows).toHaveLength(6);
  });

  it('gives the text a cell shows', () => {
    expect([cellText(null), cellText(12), cellText(' a '), cellText({ text: 'link', hyperlink: 'x' }), cellText({ error: '#N/A' }), cellText(new Date('2024-01-02T00:00:00Z'))]).toEqual(['', '12', 'a', 'link', '', '2024-01-02']);
  });
});

describe('columns', () => {
  it('recognises Chinese and English names, with remarks, asterisks and spaces ignored; reports the others', () => {
    expect(normalizeColumnName('统一社会信用代码（必填）*')).toBe('统一社会信用代码');
    const map = mapColumns(['*统一社会信用代码（必填）', 'Name', 'home_division_code', '服务领域', '法定代表人', '', '联系电话']);
    expect(map).toEqual({ fields: { creditCode: 0, name: 1, homeDivisionCode: 2, categories: 3, phone: 6 }, ignored: ['法定代表人'] });
  });

  it('refuses a file without a required column or with a field named twice', () => {
    expect(() => mapColumns(['名称', '服务领域'])).toThrow(/missing required columns: creditCode, homeDivisionCode/);
    expect(() => mapColumns(['统一社会信用代码', '名称', '组织名称', '登记地行政区划代码', '服务领域'])).toThrow(/columns '名称' and '组织名称' both give name/);
  });
});

describe('rows', () => {
  const columns = mapColumns(['平台编号', '统一社会信用代码', '名称', '登记地行政区划代码', '服务领域', '枢纽类型', '联系人', '联系电话', '电子邮箱', '住所', '简介']);
  const row = (cells: Partial<Record<number, string>>, number = 2) => ({ row: number, cells: Array.from({ length: 11 }, (_, i) => cells[i] ?? '') });

  it('turns a row into the registration request of POST /api/organizations', () => {
    const candidate = candidateFromRow(row({ 1: CODE.toLowerCase(), 2: '广州市测试协会', 3: '440100', 4: '教育、特殊群体暖心关爱；consumption 教育帮扶', 5: '行业协会商会', 6: '秘书处', 7: '020-1', 10: '简介' }), columns);
    expect(candidate.errors).toEqual([]);
    expect(candidate).toMatchObject({ row: 2, organizationId: CODE, creditCode: CODE, name: '广州市测试协会' });
    expect({ ...candidate.request }).toEqual({
      creditCode: CODE.toLowerCase(), name: '广州市测试协会', homeDivisionCode: '440100', categories: ['education', 'care', 'consumption'],
      hubKind: 'industry_association', contact: { person: '秘书处', phone: '020-1' }, description: '简介',
    });
    expect(candidateFromRow(row({ 0: 'org-x', 1: CODE, 2: 'x', 3: '4401', 4: 'care', 5: '否' }), columns)).toMatchObject({ organizationId: 'org-x', errors: [] });
    expect(candidateFromRow(row({ 0: 'org-x', 1: CODE, 2: 'x', 3: '4401', 4: 'care', 5: '枢纽型社会组织' }), columns).request?.hubKind).toBe('hub');
  });

  it('reports every problem of a row with its field and a Chinese and English message', () => {
    const empty = candidateFromRow(row({}, 7), columns);
    expect(empty.request).toBeUndefined();
    expect(empty.errors.map((e) => [e.field, e.message])).toEqual([
      ['categories', '服务领域不能为空 (categories: at least one service field is required)'],
      ['creditCode', '统一社会信用代码不能为空 (creditCode is required)'],
      ['name', '名称不能为空 (name is required)'],
      ['homeDivisionCode', '登记地行政区划代码不能为空 (homeDivisionCode is required)'],
    ]);
    const bad = candidateFromRow(row({ 0: 'a b', 1: CODE, 2: '名'.repeat(201), 3: '5101', 4: '扶贫、care', 5: '基金会', 8: 'x'.repeat(201) }), columns);
    expect(bad.errors.map((e) => e.field)).toEqual(['categories', 'hubKind', 'id', 'name', 'homeDivisionCode', 'contact.email']);
    expect(bad.errors[0].message).toMatch(/^未知的服务领域 “扶贫”.*\(unknown service field '扶贫'; use one of industry, employment/);
    expect(bad.errors[1].message).toMatch(/^未知的枢纽类型 “基金会”.*\(unknown hub kind '基金会'/);
    expect(bad.errors[3].message).toMatch(/^名称不符合要求 \(name must be shorter than or equal to 200 characters\)$/);
    expect(bad.errors[4].message).toMatch(/^登记地行政区划代码不符合要求 \(homeDivisionCode must be a Guangdong division code/);
    expect(bad.errors.every((e) => e.kind === 'invalid')).toBe(true);
  });
});
