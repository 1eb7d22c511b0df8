import { creditCodeCheckChar, makeCreditCode, organizationCodeCheckChar, validateCreditCode } from './credit-code';

/**
 * Real published codes: 53100000500019795A (a foundation registered with the Ministry of Civil
 * Affairs, 民政部) and 51310110501144395U (a social group registered in 上海市杨浦区). Each passes
 * both the GB 11714 and the GB 32100 check, which a random code does with odds of 1 in 341.
 */
const REAL = ['53100000500019795A', '51310110501144395U'];

describe('unified social credit code (GB 32100-2015 + GB 11714)', () => {
  it.each(REAL)('accepts the real code %s', (code) => {
    const result = validateCreditCode(code);
    expect(result.valid).toBe(true);
  });

  it('reads the type, division and organization code', () => {
    expect(validateCreditCode('53100000500019795A')).toEqual({
      valid: true, code: '53100000500019795A', type: 'foundation', divisionCode: '100000', organizationCode: '500019795',
    });
    expect(validateCreditCode('51310110501144395u')).toMatchObject({ valid: true, type: 'social_group', divisionCode: '310110' });
  });

  it('computes both check characters as published', () => {
    expect(organizationCodeCheckChar('50001979')).toBe('5');
    expect(creditCodeCheckChar('53100000500019795')).toBe('A');
    expect(organizationCodeCheckChar('50114439')).toBe('5');
    expect(creditCodeCheckChar('51310110501144395')).toBe('U');
  });

  // Every single-character change of a real code is caught, and by the check that covers it.
  it.each(REAL)('rejects every one-character change of %s', (code) => {
    for (let i = 0; i < 18; i++) {
      for (const c of '0123456789ABCDEFGHJKLMNPQRTUWXY') {
        if (c === code[i]) continue;
        const changed = code.slice(0, i) + c + code.slice(i + 1);
        const result = validateCreditCode(changed);
        expect({ changed, valid: result.valid }).toEqual({ changed, valid: false });
      }
    }
  });

  it.each([
    ['too short', '5310000050001979', 'format', /18/],
    ['letter outside the alphabet (I)', '53100000500019795I', 'format', /alphabet/],
    ['letter outside the alphabet (O)', '5310000O500019795A', 'format', /position|alphabet/],
    ['enterprise, not civil affairs', '93100000500019795A', 'authority', /position 1/],
    ['type 9 (other)', '59100000500019795A', 'type', /position 2/],
    ['type 4', '54100000500019795A', 'type', /position 2/],
    ['division with a letter', '531000A0500019795A', 'division', /division/],
    ['organization code check changed', '53100000500019796A', 'organization-code-check', /GB 11714/],
    ['organization code body changed', '53100000500019895A', 'organization-code-check', /GB 11714/],
    ['division changed', '53100001500019795A', 'check-character', /GB 32100/],
    ['check character changed', '53100000500019795B', 'check-character', /should be A/],
  ])('%s: %s → fails the %s check', (_name, code, check, message) => {
    const result = validateCreditCode(code as string);
    expect(result).toMatchObject({ valid: false, check });
    if (!result.valid) expect(result.message).toMatch(message as RegExp);
  });

  it('makes valid codes for tests and the seed', () => {
    for (const type of ['social_group', 'social_service_institution', 'foundation'] as const) {
      for (const serial of [0, 1, 42, 999_999]) {
        const code = makeCreditCode(type, '440100', serial);
        expect(validateCreditCode(code)).toMatchObject({ valid: true, type, divisionCode: '440100' });
      }
    }
  });
});
