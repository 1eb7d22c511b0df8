import { DomainErrorKind, flattenValidationErrors, invalid } from '@shecun/core';
import { CATEGORIES, Category, CATEGORY_LABELS } from '@shecun/categories';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse as parseCsv } from 'csv-parse';
// Loaded when a sheet is read, not at start: exceljs takes about a second to load.
import type ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { RegisterOrganizationDto, RegistryFileFormat } from './organizations.dto';

/**
 * Reading the bureau's registry export (社会组织名录, CSV or XLSX) into registration requests, one
 * per row, each with what is wrong with it. The first non-empty row holds the column names;
 * `row` numbers are those a spreadsheet shows (the header row is row 1 when the file starts with
 * it). Parsers: csv-parse (CSV, UTF-8 or GB18030 as Excel saves it in Chinese locales) and
 * exceljs's streaming reader (XLSX: the first worksheet).
 */

/** The fields an import row can set, and the column names (Chinese or English) that carry them. */
export const IMPORT_COLUMNS = {
  id: ['id', '平台编号', '组织编号'],
  creditCode: ['creditCode', '统一社会信用代码', '信用代码'],
  name: ['name', '名称', '社会组织名称', '组织名称'],
  homeDivisionCode: ['homeDivisionCode', '登记地行政区划代码', '行政区划代码', '登记地代码'],
  categories: ['categories', '服务领域', '帮扶类型'],
  hubKind: ['hubKind', '枢纽类型'],
  contactPerson: ['contactPerson', '联系人'],
  phone: ['phone', '联系电话'],
  email: ['email', '电子邮箱'],
  address: ['address', '住所', '地址'],
  description: ['description', '简介'],
} as const;
export type ImportField = keyof typeof IMPORT_COLUMNS;
export const REQUIRED_IMPORT_FIELDS: ImportField[] = ['creditCode', 'name', 'homeDivisionCode', 'categories'];

/** Chinese names of the fields, for messages. */
const FIELD_LABELS: Record<string, string> = {
  id: '平台编号',
  creditCode: '统一社会信用代码',
  name: '名称',
  homeDivisionCode: '登记地行政区划代码',
  categories: '服务领域',
  hubKind: '枢纽类型',
  contact: '联系方式',
  'contact.person': '联系人',
  'contact.phone': '联系电话',
  'contact.email': '电子邮箱',
  'contact.address': '住所',
  description: '简介',
};

/** Column names compare without spaces, asterisks, underscores, hyphens or a bracketed remark, case-insensitively. */
export const normalizeColumnName = (name: string) =>
  name.replace(/^\uFEFF/, '').replace(/[（(][^）)]*[)）]/g, '').replace(/[\s*＊_-]/g, '').toLowerCase();

const COLUMN_FIELD = new Map<string, ImportField>(
  (Object.entries(IMPORT_COLUMNS) as [ImportField, readonly string[]][]).flatMap(([field, names]) => names.map((n) => [normalizeColumnName(n), field] as const)),
);

/** Category codes, their labels (教育帮扶) and the short names and aliases of DOMAIN.md. */
const CATEGORY_BY_NAME = new Map<string, Category>([
  ...CATEGORIES.map((c) => [c, c] as const),
  ...CATEGORIES.map((c) => [CATEGORY_LABELS[c], c] as const),
  ...CATEGORIES.filter((c) => CATEGORY_LABELS[c].endsWith('帮扶')).map((c) => [CATEGORY_LABELS[c].slice(0, -2), c] as const),
  ['助农扩销', 'consumption'],
  ['医疗援助', 'health'],
  ['助学帮教', 'education'],
  ['特殊群体', 'care'],
  ['暖心关爱', 'care'],
]);

const NO_HUB = new Set(['', '否', '无', '-', 'no', 'none', 'false', '0']);
const HUB_BY_NAME = new Map<string, 'hub' | 'industry_association'>([
  ['hub', 'hub'],
  ['枢纽', 'hub'],
  ['枢纽型社会组织', 'hub'],
  ['industry_association', 'industry_association'],
  ['行业协会', 'industry_association'],
  ['行业协会商会', 'industry_association'],
  ['商会', 'industry_association'],
]);

export interface ImportRowError {
  /** The request field it concerns (creditCode, categories, contact.phone …), when one. */
  field?: string;
  /** invalid (422), forbidden (403), conflict (409): as the same registration through POST /api/organizations would be answered. */
  kind: DomainErrorKind;
  /** For credit codes: which check failed (format, authority, type, division, organization-code-check, check-character). */
  check?: string;
  message: string;
}

/** One data row: its spreadsheet row number and its cells by column position. */
export interface SheetRow {
  row: number;
  cells: string[];
}

export interface RegistrySheet {
  header: string[];
  headerRow: number;
  rows: SheetRow[];
}

/** A row turned into a registration request (what POST /api/organizations would receive), or its errors. */
export interface ImportCandidate {
  row: number;
  request?: RegisterOrganizationDto;
  /** The organization id it registers under (the id column, else the credit code), when known. */
  organizationId?: string;
  creditCode?: string;
  name?: string;
  errors: ImportRowError[];
}

// ---------------------------------------------------------------------------------------------
// Reading files
// ---------------------------------------------------------------------------------------------

/** The format from the file's first bytes: an XLSX workbook is a zip archive (PK\x03\x04). */
export const sniffFormat = (content: Buffer): RegistryFileFormat =>
  content.length >= 4 && content[0] === 0x50 && content[1] === 0x4b && content[2] === 0x03 && content[3] === 0x04 ? 'xlsx' : 'csv';

/** UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GB18030 (Excel's CSV in Chinese locales). */
export function decodeText(content: Buffer): string {
  const bytes = content.length >= 3 && content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf ? content.subarray(3) : content;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

const tooMany = (maxRows: number) =>
  invalid(`文件超过 ${maxRows} 行数据，请拆分后分批导入或使用命令行导入 (the file has more than ${maxRows} data rows: split it, or import it with the command line tool)`, {
    maxRows,
  });

/** Splits a file's rows into the header (the first non-empty row) and the data rows after it. */
function toSheet(rows: Iterable<SheetRow>, maxRows: number): RegistrySheet {
  let header: SheetRow | undefined;
  const data: SheetRow[] = [];
  for (const r of rows) {
    if (r.cells.every((c) => c === '')) continue;
    if (!header) header = r;
    else {
      if (data.length >= maxRows) throw tooMany(maxRows);
      data.push(r);
    }
  }
  if (!header) throw invalid('文件为空：第一行应为列名 (the file is empty: its first row must name the columns)');
  return { header: header.cells, headerRow: header.row, rows: data };
}

async function readCsv(content: Buffer, maxRows: number): Promise<RegistrySheet> {
  const text = decodeText(content);
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  // Comma unless the header line is clearly tab- or semicolon-separated.
  const delimiter = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  const rows: SheetRow[] = [];
  try {
    const parser = Readable.from([text]).pipe(
      parseCsv({ delimiter, relax_column_count: true, skip_empty_lines: false, trim: true, max_record_size: 1_000_000, info: false }),
    );
    let row = 0;
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      rows.push({ row, cells: record.map((c) => c ?? '') });
      if (rows.length > maxRows + 1 + 1_000) break; // bounded even for a file of empty lines
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(`CSV 文件无法解析 (the CSV file cannot be read: ${reason})`);
  }
  return toSheet(rows, maxRows);
}

/** The text a cell shows: rich text joined, a formula's result, a hyperlink's text. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { richText?: { text?: string }[]; result?: unknown; text?: unknown; error?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text ?? '').join('').trim();
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return cellText(v.text);
  }
  return '';
}

async function readXlsx(content: Buffer, maxRows: number): Promise<RegistrySheet> {
  const rows: SheetRow[] = [];
  try {
    const excel = (await import('exceljs')).default;
    const reader = new excel.stream.xlsx.WorkbookReader(Readable.from([content]), { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'ignore' });
    for await (const sheet of reader) {
      let data = 0;
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = Array.isArray(row.values) ? row.values.slice(1) : [];
        const cells = Array.from(values, (v) => cellText(v));
        if (cells.some((c) => c !== '')) data += 1;
        rows.push({ row: row.number, cells });
        if (data > maxRows + 1) break;
      }
      break; // the first worksheet only
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(`不是有效的 XLSX 工作簿 (not a readable XLSX workbook: ${reason})`);
  }
  return toSheet(rows, maxRows);
}

/** Reads a registry export; a file that cannot be read, has no header or too many rows is refused (422) as a whole. */
export async function readRegistryFile(content: Buffer, format: RegistryFileFormat = sniffFormat(content), maxRows = Number.MAX_SAFE_INTEGER): Promise<RegistrySheet> {
  if (content.length === 0) throw invalid('文件为空 (the file is empty)');
  return format === 'xlsx' ? readXlsx(content, maxRows) : readCsv(content, maxRows);
}

// ---------------------------------------------------------------------------------------------
// Rows → registration requests
// ---------------------------------------------------------------------------------------------

export interface ColumnMap {
  /** Column position of each recognised field. */
  fields: Partial<Record<ImportField, number>>;
  /** Column names that no field takes (kept out of the import, reported back). */
  ignored: string[];
}

/** How a file's header names the fields of an import (see `mapSheetColumns`). */
export interface SheetColumns<F extends string> {
  /** The field a normalized column name gives (see normalizeColumnName). */
  fieldOf: ReadonlyMap<string, F>;
  required: readonly F[];
  /** The field as people read it (Chinese). */
  label: (field: F) => string;
}

/**
 * Maps a header's columns to fields, for any import of a spreadsheet: a missing required column
 * or a field named twice refuses the file (422); columns no field takes are reported back.
 */
export function mapSheetColumns<F extends string>(header: string[], columns: SheetColumns<F>): { fields: Partial<Record<F, number>>; ignored: string[] } {
  const fields: Partial<Record<F, number>> = {};
  const ignored: string[] = [];
  header.forEach((name, index) => {
    const field = columns.fieldOf.get(normalizeColumnName(name));
    if (!field) {
      if (name.trim()) ignored.push(name.trim());
      return;
    }
    if (fields[field] !== undefined) {
      throw invalid(`列 “${header[fields[field]!]}” 与 “${name}” 都对应 ${columns.label(field)}，请只保留一列 (columns '${header[fields[field]!]}' and '${name}' both give ${field})`);
    }
    fields[field] = index;
  });
  const missing = columns.required.filter((f) => fields[f] === undefined);
  if (missing.length) {
    const names = missing.map((f) => `${columns.label(f)} (${f})`).join('、');
    throw invalid(`缺少必填列：${names}；第一行应为列名 (missing required columns: ${missing.join(', ')}; the first row must name the columns)`, { missingColumns: missing });
  }
  return { fields, ignored };
}

/** Maps the header's columns to the registry's fields (see mapSheetColumns). */
export const mapColumns = (header: string[]): ColumnMap =>
  mapSheetColumns(header, { fieldOf: COLUMN_FIELD, required: REQUIRED_IMPORT_FIELDS, label: (f) => IMPORT_COLUMNS[f][1] });

const fieldLabel = (field: string) => FIELD_LABELS[field] ?? field;

/**
 * One row as the registration request POST /api/organizations would receive, checked with the
 * same DTO rules; categories and hub kind may be given by code or Chinese name.
 */
export function candidateFromRow(row: SheetRow, columns: ColumnMap): ImportCandidate {
  const cell = (field: ImportField) => {
    const index = columns.fields[field];
    return index === undefined ? '' : (row.cells[index] ?? '').trim();
  };
  const errors: ImportRowError[] = [];
  const request: Record<string, unknown> = {};
  const id = cell('id');
  if (id) request.id = id;
  request.creditCode = cell('creditCode');
  request.name = cell('name');
  request.homeDivisionCode = cell('homeDivisionCode');

  const categoryNames = cell('categories').split(/[,，;；、|/\s]+/).filter(Boolean);
  const categories: Category[] = [];
  for (const name of categoryNames) {
    const category = CATEGORY_BY_NAME.get(name) ?? CATEGORY_BY_NAME.get(name.toLowerCase());
    if (!category) {
      errors.push({
        field: 'categories',
        kind: 'invalid',
        message: `未知的服务领域 “${name}”，可填 ${CATEGORIES.map((c) => CATEGORY_LABELS[c]).join('、')} 或其代码 (unknown service field '${name}'; use one of ${CATEGORIES.join(', ')} or its Chinese name)`,
      });
    } else if (!categories.includes(category)) categories.push(category);
  }
  if (categoryNames.length === 0) errors.push({ field: 'categories', kind: 'invalid', message: '服务领域不能为空 (categories: at least one service field is required)' });
  request.categories = categories;

  const hub = cell('hubKind');
  if (!NO_HUB.has(hub.toLowerCase())) {
    const kind = HUB_BY_NAME.get(hub) ?? HUB_BY_NAME.get(hub.toLowerCase());
    if (kind) request.hubKind = kind;
    else errors.push({ field: 'hubKind', kind: 'invalid', message: `未知的枢纽类型 “${hub}”，可填 枢纽型社会组织、行业协会商会 或留空 (unknown hub kind '${hub}'; use hub, industry_association or leave it empty)` });
  }
  const contact = { person: cell('contactPerson'), phone: cell('phone'), email: cell('email'), address: cell('address') };
  const filled = Object.fromEntries(Object.entries(contact).filter(([, v]) => v));
  if (Object.keys(filled).length) request.contact = filled;
  const description = cell('description');
  if (description) request.description = description;

  for (const [field, value] of [['creditCode', request.creditCode], ['name', request.name], ['homeDivisionCode', request.homeDivisionCode]] as const) {
    if (!value) errors.push({ field, kind: 'invalid', message: `${fieldLabel(field)}不能为空 (${field} is required)` });
  }
  const dto = plainToInstance(RegisterOrganizationDto, request);
  const reported = new Set(errors.map((e) => e.field));
  for (const error of flattenValidationErrors(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }))) {
    if (reported.has(error.field)) continue;
    errors.push({ field: error.field, kind: 'invalid', message: `${fieldLabel(error.field)}不符合要求 (${error.messages.join('; ')})` });
  }
  const creditCode = (request.creditCode as string).toUpperCase() || undefined;
  return {
    row: row.row,
    ...(errors.length === 0 ? { request: dto } : {}),
    organizationId: id || creditCode,
    creditCode,
    name: (request.name as string) || undefined,
    errors,
  };
}
