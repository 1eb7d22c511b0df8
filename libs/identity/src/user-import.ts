import { DomainErrorKind, flattenValidationErrors, HumanText, invalid } from '@shecun/core';
import { mapSheetColumns, normalizeColumnName, SheetRow } from '@shecun/organizations';
import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, validateSync } from 'class-validator';
import { GRANTABLE_ROLES, GrantableRole, GrantSpec, grantShapeProblem, normalizeUsername, USERNAME } from './identity.model';

/**
 * Reading a bureau's list of accounts to open (CSV or XLSX, read by the organizations import's
 * sheet reader) into one request per row, each with what is wrong with it. The first non-empty
 * row names the columns, in Chinese or English.
 */
export const USER_IMPORT_COLUMNS = {
  username: ['username', '用户名', '账号', '登录名'],
  name: ['name', 'displayName', '姓名', '名称'],
  phone: ['phone', '手机', '手机号', '手机号码', '联系电话', '电话'],
  role: ['role', '角色', '权限'],
  scope: ['scope', '范围', '管辖范围', '行政区划代码', '区划代码'],
  organizationId: ['organizationId', 'organization', '组织编号', '社会组织编号'],
} as const;
export type UserImportField = keyof typeof USER_IMPORT_COLUMNS;
const REQUIRED: UserImportField[] = ['username', 'name', 'role'];

const COLUMN_FIELD = new Map<string, UserImportField>(
  (Object.entries(USER_IMPORT_COLUMNS) as [UserImportField, readonly string[]][]).flatMap(([field, names]) => names.map((n) => [normalizeColumnName(n), field] as const)),
);

/** Role codes and the Chinese names a bureau writes. */
const ROLE_BY_NAME = new Map<string, GrantableRole>([
  ...GRANTABLE_ROLES.map((r) => [r, r] as const),
  ['协调员', 'coordinator'],
  ['村级协调员', 'coordinator'],
  ['乡镇协调员', 'coordinator'],
  ['驻村干部', 'coordinator'],
  ['村干部', 'coordinator'],
  ['民政', 'bureau'],
  ['民政局', 'bureau'],
  ['民政部门', 'bureau'],
  ['登记管理机关', 'bureau'],
  ['审计', 'auditor'],
  ['审计员', 'auditor'],
  ['监督', 'auditor'],
  ['社会组织', 'organization'],
  ['社会组织工作人员', 'organization'],
  ['枢纽', 'hub'],
  ['枢纽型社会组织', 'hub'],
  ['管理员', 'admin'],
  ['系统管理员', 'admin'],
]);

const FIELD_LABELS: Record<string, string> = { username: '用户名', displayName: '姓名', name: '姓名', phone: '手机号', role: '角色', scope: '范围', organizationId: '组织编号', grant: '授权' };
const label = (field: string) => FIELD_LABELS[field] ?? field;

/** Mainland mobile numbers (11 digits from 1[3-9]) or a landline with its area code (0xx-xxxxxxx). */
export const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

export class ImportedUserDto {
  @IsString() @Length(3, 64) @Matches(USERNAME, { message: 'username: 3-64 lowercase letters, digits or ._- (starting with a letter or digit)' })
  username: string;
  @IsString() @HumanText() @Length(1, 100) displayName: string;
  @IsOptional() @IsString() @Matches(PHONE, { message: 'phone: a mainland mobile number (11 digits) or a landline with its area code' })
  phone?: string;
}

export interface UserImportError {
  field?: string;
  kind: DomainErrorKind;
  message: string;
}

/** A row as the user and grant it opens, or what is wrong with it. */
export interface UserImportCandidate {
  row: number;
  username?: string;
  displayName?: string;
  phone?: string;
  grant?: GrantSpec;
  errors: UserImportError[];
}

export interface UserColumnMap {
  fields: Partial<Record<UserImportField, number>>;
  ignored: string[];
}

/** Maps the header to fields; a missing required column or a field named twice refuses the file (422). */
export const mapUserColumns = (header: string[]): UserColumnMap => mapSheetColumns(header, { fieldOf: COLUMN_FIELD, required: REQUIRED, label });

/** One row checked as POST /api/users would check it (the DTO rules and the grant's shape). */
export function userCandidateFromRow(row: SheetRow, columns: UserColumnMap): UserImportCandidate {
  const cell = (field: UserImportField) => {
    const index = columns.fields[field];
    return index === undefined ? '' : (row.cells[index] ?? '').trim();
  };
  const errors: UserImportError[] = [];
  const username = normalizeUsername(cell('username'));
  const displayName = cell('name');
  const phone = cell('phone').replace(/[\s()（）]/g, '').replace(/^\+?86-?/, '');
  const dto = plainToInstance(ImportedUserDto, { username, displayName, ...(phone ? { phone } : {}) });
  for (const error of flattenValidationErrors(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }))) {
    errors.push({ field: error.field, kind: 'invalid', message: `${label(error.field)}不符合要求 (${error.messages.join('; ')})` });
  }
  const roleName = cell('role');
  const role = ROLE_BY_NAME.get(roleName) ?? ROLE_BY_NAME.get(roleName.toLowerCase());
  let grant: GrantSpec | undefined;
  if (!role) {
    errors.push({
      field: 'role',
      kind: 'invalid',
      message: roleName
        ? `未知的角色 “${roleName}”，可填 协调员、民政局、审计员、社会组织、枢纽、系统管理员 或 ${GRANTABLE_ROLES.join('/')} (unknown role '${roleName}')`
        : '角色不能为空 (role is required)',
    });
  } else {
    const scope = cell('scope');
    const organizationId = cell('organizationId') || (role === 'organization' || role === 'hub' ? scope : '');
    grant = { role, ...(scope && organizationId !== scope ? { scope } : {}), ...(organizationId ? { organizationId } : {}) };
    const problem = grantShapeProblem(grant);
    if (problem) errors.push({ field: grant.role === 'organization' || grant.role === 'hub' ? 'organizationId' : 'scope', kind: 'invalid', message: problem });
  }
  return {
    row: row.row,
    ...(username ? { username } : {}),
    ...(displayName ? { displayName } : {}),
    ...(phone ? { phone } : {}),
    ...(grant ? { grant } : {}),
    errors,
  };
}
