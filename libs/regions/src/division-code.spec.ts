import {
  assertDivisionCode,
  cityOf,
  countyOf,
  divisionAt,
  InvalidDivisionCodeError,
  isDivisionCode,
  levelOfCode,
  parentOf,
  townOf,
} from './division-code';

describe('division codes', () => {
  it('gives the level by length: 2, 4, 6, 9 and 12 digits', () => {
    expect(levelOfCode('44')).toBe('province');
    expect(levelOfCode('4418')).toBe('city');
    expect(levelOfCode('441826')).toBe('county');
    expect(levelOfCode('441826105')).toBe('town');
    expect(levelOfCode('441826105201')).toBe('village');
  });

  it.each(['', '4', '441', '44182', '4418261', '44182610', '4418261052', '44182610520', '4418261052011', '44a8', '４４', ' 4418', '4418 ', '-441', '44.1'])(
    'rejects %j',
    (code) => {
      expect(levelOfCode(code)).toBeUndefined();
      expect(isDivisionCode(code)).toBe(false);
      expect(() => assertDivisionCode(code)).toThrow(InvalidDivisionCodeError);
      expect(() => cityOf(code)).toThrow(InvalidDivisionCodeError);
    },
  );

  it('rejects what is not a string', () => {
    expect(levelOfCode(4418 as unknown as string)).toBeUndefined();
    expect(isDivisionCode(undefined)).toBe(false);
    expect(isDivisionCode(441826)).toBe(false);
  });

  it('slices a village code into its city, county and town', () => {
    expect(cityOf('441826105201')).toBe('4418');
    expect(countyOf('441826105201')).toBe('441826');
    expect(townOf('441826105201')).toBe('441826105');
    expect(divisionAt('441826105201', 'province')).toBe('44');
    expect(divisionAt('441826105201', 'village')).toBe('441826105201');
  });

  it('gives a code itself at its own level and nothing below it', () => {
    expect(cityOf('4418')).toBe('4418');
    expect(countyOf('4418')).toBeUndefined();
    expect(townOf('441826')).toBeUndefined();
    expect(cityOf('44')).toBeUndefined();
  });

  it('gives the parent by prefix', () => {
    expect(parentOf('44')).toBeUndefined();
    expect(parentOf('4418')).toBe('44');
    expect(parentOf('441826')).toBe('4418');
    expect(parentOf('441826105')).toBe('441826');
    expect(parentOf('441826105201')).toBe('441826105');
    expect(() => parentOf('4418261')).toThrow(InvalidDivisionCodeError);
  });

  it('names the code in the error', () => {
    expect(() => townOf('12ab')).toThrow('行政区划代码 12ab 格式不正确');
  });
});
