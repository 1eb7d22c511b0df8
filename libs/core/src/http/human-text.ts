import { Transform } from 'class-transformer';
import { ValidateBy, ValidationArguments } from 'class-validator';

export interface HumanTextOptions {
  /** Line breaks (\n, \r) and tabs allowed: descriptions, notes, reasons. */
  multiline?: boolean;
  /** An empty or blank value is accepted (an optional note left empty); invisible characters alone still are not. */
  blankAllowed?: boolean;
}

/**
 * Characters that show nothing by themselves: white space and separators, control and format
 * characters (zero-width spaces and joiners, bidi controls, the soft hyphen, the byte order mark),
 * every default-ignorable code point (variation selectors, Hangul fillers…), combining marks with
 * no base, and the blank braille pattern.
 */
const INVISIBLE = /[\p{White_Space}\p{Z}\p{Cc}\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}\u2800]/gu;
const BLANK = /^\p{White_Space}*$/u;
/** Control characters; in multi-line text tabs and line breaks are allowed. */
const CONTROL_SINGLE_LINE = /[\p{Cc}\u2028\u2029]/u;
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
/** A lone half of a surrogate pair: not a character at all. */
const LONE_SURROGATE = /\p{Cs}/u;

export type HumanTextFault = 'control' | 'malformed' | 'invisible';

/** What is wrong with `text` as text people write and read, or undefined when nothing is. */
export function humanTextFault(text: string, options: HumanTextOptions = {}): HumanTextFault | undefined {
  if (LONE_SURROGATE.test(text)) return 'malformed';
  if ((options.multiline ? CONTROL_MULTILINE : CONTROL_SINGLE_LINE).test(text)) return 'control';
  if (text.replace(INVISIBLE, '') === '' && !(options.blankAllowed && BLANK.test(text))) return 'invisible';
  return undefined;
}

function faultMessage(fault: HumanTextFault | undefined, field: string, options: HumanTextOptions): string {
  switch (fault) {
    case 'control':
      return options.multiline
        ? `${field} 不能含控制字符 (${field} must not contain control characters other than line breaks and tabs)`
        : `${field} 不能含控制字符或换行 (${field} must be one line without control characters)`;
    case 'malformed':
      return `${field} 含有无效的 Unicode 字符 (${field} contains malformed Unicode: a lone surrogate)`;
    default:
      return `${field} 须含可见文字，不能只有空白或不可见字符 (${field} must contain visible text, not only blank or invisible characters)`;
  }
}

/**
 * A field of text written by people (a title, a name, a description, a reason, a note): stored in
 * Unicode normalization form C, so the same words are always the same code points; refused when
 * nothing in it is visible (only spaces, zero-width or bidi control characters…), when it holds
 * control characters (but line breaks and tabs in `multiline` text) or malformed Unicode. Other
 * checks (type, length) stay with their own decorators; non-string values are left to them.
 * Never for secrets such as passwords, which must stay as typed.
 */
export function HumanText(options: HumanTextOptions = {}): PropertyDecorator {
  const normalize = Transform(({ value }) => (typeof value === 'string' ? value.normalize('NFC') : value), { toClassOnly: true });
  const validate = ValidateBy({
    name: 'humanText',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || humanTextFault(value, options) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        faultMessage(typeof args?.value === 'string' ? humanTextFault(args.value, options) : undefined, args?.property ?? 'text', options),
    },
  });
  return (target: object, property: string | symbol) => {
    normalize(target, property as string);
    validate(target, property as string);
  };
}
