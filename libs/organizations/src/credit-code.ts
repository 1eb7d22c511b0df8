/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015) of a social organization, with the
 * embedded organization code (组织机构代码, GB 11714-1997). No maintained npm package validates
 * these (searched: none for GB 32100), so the two check-character algorithms live here.
 *
 *   position  1     registering authority (登记管理部门): 5 = civil affairs (民政)
 *             2     type (机构类别): 1 社会团体, 2 民办非企业单位/社会服务机构, 3 基金会, 9 其他
 *             3–8   division code of the registering authority (登记管理机关行政区划码)
 *             9–17  organization code: 8 body characters + its GB 11714 check character
 *             18    GB 32100 check character
 */

export const ORGANIZATION_TYPES = ['social_group', 'social_service_institution', 'foundation'] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

export const ORGANIZATION_TYPE_LABELS: Record<OrganizationType, string> = {
  social_group: '社会团体',
  social_service_institution: '社会服务机构（民办非企业单位）',
  foundation: '基金会',
};

const TYPE_BY_DIGIT: Record<string, OrganizationType> = { '1': 'social_group', '2': 'social_service_institution', '3': 'foundation' };
export const TYPE_DIGIT: Record<OrganizationType, string> = { social_group: '1', social_service_institution: '2', foundation: '3' };

/** GB 32100 alphabet: digits and capitals without I, O, S, V, Z (31 characters). */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** Which check a code failed; `check` names it for clients, `message` explains in Chinese and English. */
export type CreditCodeFailure =
  | 'format'
  | 'authority'
  | 'type'
  | 'division'
  | 'organization-code-check'
  | 'check-character';

export type CreditCodeResult =
  | { valid: true; code: string; type: OrganizationType; divisionCode: string; organizationCode: string }
  | { valid: false; check: CreditCodeFailure; message: string };

const fail = (check: CreditCodeFailure, message: string): CreditCodeResult => ({ valid: false, check, message });

/** GB 11714 check character over the 8 body characters of an organization code (digits and A–Z). */
export function organizationCodeCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body[i];
    const value = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55; // A=10 … Z=35
    sum += value * ORG_CODE_WEIGHTS[i];
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** GB 32100 check character over the first 17 characters of a credit code. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  const check = 31 - (sum % 31);
  return USCC_ALPHABET[check === 31 ? 0 : check];
}

/**
 * Validates a social organization's credit code: format and alphabet, authority 5 (civil
 * affairs), type 1/2/3, a 6-digit division, the GB 11714 organization-code check character, then
 * the GB 32100 check character. The first failed check is reported.
 */
export function validateCreditCode(input: string): CreditCodeResult {
  const code = (input ?? '').trim().toUpperCase();
  if (code.length !== 18) return fail('format', `统一社会信用代码应为 18 位，实为 ${code.length} 位 (a credit code has 18 characters, got ${code.length})`);
  for (const [i, c] of [...code].entries()) {
    if (!USCC_ALPHABET.includes(c)) {
      return fail('format', `第 ${i + 1} 位字符 ${c} 不在代码字符集中（不含 I、O、S、V、Z） (character ${i + 1} '${c}' is not in the GB 32100 alphabet, which excludes I, O, S, V, Z)`);
    }
  }
  if (code[0] !== '5') {
    return fail('authority', `第 1 位登记管理部门代码为 ${code[0]}，社会组织应为 5（民政） (position 1 is '${code[0]}'; a social organization registered with civil affairs has 5)`);
  }
  const type = TYPE_BY_DIGIT[code[1]];
  if (!type) {
    return fail('type', `第 2 位机构类别代码为 ${code[1]}，应为 1 社会团体、2 社会服务机构或 3 基金会 (position 2 is '${code[1]}'; expected 1 social group, 2 social service institution or 3 foundation)`);
  }
  const divisionCode = code.slice(2, 8);
  if (!/^\d{6}$/.test(divisionCode)) {
    return fail('division', `第 3–8 位行政区划码 ${divisionCode} 应为 6 位数字 (positions 3–8 must be a 6-digit division code)`);
  }
  const organizationCode = code.slice(8, 17);
  const expectedOrgCheck = organizationCodeCheckChar(organizationCode.slice(0, 8));
  if (organizationCode[8] !== expectedOrgCheck) {
    return fail(
      'organization-code-check',
      `第 9–17 位组织机构代码 ${organizationCode} 校验码错误（GB 11714），应为 ${expectedOrgCheck} (the embedded organization code fails its GB 11714 check: check character should be ${expectedOrgCheck}, got ${organizationCode[8]})`,
    );
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== expected) {
    return fail('check-character', `第 18 位校验码错误（GB 32100），应为 ${expected} (the GB 32100 check character should be ${expected}, got ${code[17]})`);
  }
  return { valid: true, code, type, divisionCode, organizationCode };
}

/**
 * Any registrant's credit code (an enterprise member unit too): 18 characters of the alphabet and
 * the GB 32100 check character. The organization-code check is not applied: codes of some
 * registering authorities embed numbers that are not GB 11714 organization codes.
 */
export function validateAnyCreditCode(input: string): { valid: true; code: string } | { valid: false; check: CreditCodeFailure; message: string } {
  const code = (input ?? '').trim().toUpperCase();
  if (code.length !== 18) return { valid: false, check: 'format', message: `统一社会信用代码应为 18 位，实为 ${code.length} 位 (a credit code has 18 characters, got ${code.length})` };
  for (const [i, c] of [...code].entries()) {
    if (!USCC_ALPHABET.includes(c)) return { valid: false, check: 'format', message: `第 ${i + 1} 位字符 ${c} 不在代码字符集中 (character ${i + 1} '${c}' is not in the GB 32100 alphabet)` };
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== expected) {
    return { valid: false, check: 'check-character', message: `第 18 位校验码错误（GB 32100），应为 ${expected} (the GB 32100 check character should be ${expected}, got ${code[17]})` };
  }
  return { valid: true, code };
}

/**
 * A valid credit code for a social organization (tests and the demo seed): the organization code
 * body is 'MJ' followed by six digits of `serial`, as civil-affairs codes issued since 2016 are.
 */
export function makeCreditCode(type: OrganizationType, divisionCode: string, serial: number): string {
  if (!/^\d{6}$/.test(divisionCode)) throw new Error('divisionCode must have 6 digits');
  if (!Number.isInteger(serial) || serial < 0 || serial > 999_999) throw new Error('serial must be 0…999999');
  const body = `MJ${String(serial).padStart(6, '0')}`;
  const first17 = `5${TYPE_DIGIT[type]}${divisionCode}${body}${organizationCodeCheckChar(body)}`;
  return first17 + creditCodeCheckChar(first17);
}
