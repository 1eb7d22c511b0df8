/**
 * Statistical division codes (统计用区划代码), as pure string helpers. A code's length gives its
 * level and its parent is a prefix: 44 广东省 › 4418 清远市 › 441826 连南瑶族自治县 ›
 * 441826105 三排镇 › 441826105201 山溪村委会.
 */

export const DIVISION_LEVELS = ['province', 'city', 'county', 'town', 'village'] as const;
export type DivisionLevel = (typeof DIVISION_LEVELS)[number];

/** Digits per level: province 2 (省), city 4 (市), county 6 (县/区), town 9 (乡镇/街道), village 12 (村/社区). */
export const DIVISION_CODE_LENGTH: Readonly<Record<DivisionLevel, number>> = Object.freeze({
  province: 2,
  city: 4,
  county: 6,
  town: 9,
  village: 12,
});

const LEVEL_BY_LENGTH: ReadonlyMap<number, DivisionLevel> = new Map(DIVISION_LEVELS.map((level) => [DIVISION_CODE_LENGTH[level], level]));
const DIGITS = /^\d+$/;

export class InvalidDivisionCodeError extends RangeError {
  constructor(readonly code: unknown) {
    super(`行政区划代码 ${String(code)} 格式不正确 (malformed division code: expected 2, 4, 6, 9 or 12 digits)`);
    this.name = 'InvalidDivisionCodeError';
  }
}

/** The level a code denotes by its length, or undefined unless it is 2, 4, 6, 9 or 12 digits. */
export function levelOfCode(code: string): DivisionLevel | undefined {
  if (typeof code !== 'string' || !DIGITS.test(code)) return undefined;
  return LEVEL_BY_LENGTH.get(code.length);
}

/** Whether the value is a well-formed division code (2, 4, 6, 9 or 12 digits); says nothing of existence. */
export function isDivisionCode(code: unknown): code is string {
  return typeof code === 'string' && levelOfCode(code) !== undefined;
}

/** The code's level; throws InvalidDivisionCodeError unless it is 2, 4, 6, 9 or 12 digits. */
export function assertDivisionCode(code: string): DivisionLevel {
  const level = levelOfCode(code);
  if (!level) throw new InvalidDivisionCodeError(code);
  return level;
}

/** The code of the division at `level` that contains `code` (itself at its own level); undefined for a higher-level code. */
export function divisionAt(code: string, level: DivisionLevel): string | undefined {
  assertDivisionCode(code);
  const length = DIVISION_CODE_LENGTH[level];
  return code.length >= length ? code.slice(0, length) : undefined;
}

/** The city (地级市) containing the code: '441826105201' → '4418'. Undefined for the province code. */
export const cityOf = (code: string): string | undefined => divisionAt(code, 'city');

/** The county (县/区/县级市) containing the code: '441826105201' → '441826'. */
export const countyOf = (code: string): string | undefined => divisionAt(code, 'county');

/** The town (乡镇/街道) containing the code: '441826105201' → '441826105'. */
export const townOf = (code: string): string | undefined => divisionAt(code, 'town');

/** The parent's code ('441826105201' → '441826105'); undefined for a province. */
export function parentOf(code: string): string | undefined {
  const level = assertDivisionCode(code);
  const index = DIVISION_LEVELS.indexOf(level);
  return index === 0 ? undefined : code.slice(0, DIVISION_CODE_LENGTH[DIVISION_LEVELS[index - 1]]);
}
