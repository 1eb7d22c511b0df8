import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, MaxLength, validateSync } from 'class-validator';
import { HumanText, humanTextFault } from './human-text';

describe('humanTextFault', () => {
  const invisibleOnly = [
    '',
    '   ',
    '\u3000',
    '\u200b',
    '\u200b\u200c\u200d',
    '\ufeff\u2060',
    '\u00ad',
    '\u202a\u202b\u202c\u202d\u202e',
    '\u2066\u2067\u2068\u2069',
    '\u200e\u200f',
    '\u3164',
    '\ufe0f',
    '\u0301\u0301',
    '\u2800',
    '\u{e0041}',
  ];

  it.each(invisibleOnly.map((text) => [JSON.stringify(text), text]))('refuses %s: nothing visible', (_, text) => {
    expect(humanTextFault(text)).toBe('invisible');
    expect(humanTextFault(text, { multiline: true })).toBe('invisible');
  });

  it('lets an optional field be blank, but not invisible', () => {
    expect(humanTextFault('', { blankAllowed: true })).toBeUndefined();
    expect(humanTextFault('  \n', { blankAllowed: true, multiline: true })).toBeUndefined();
    expect(humanTextFault('\u200b', { blankAllowed: true })).toBe('invisible');
    expect(humanTextFault(' \ufeff ', { blankAllowed: true })).toBe('invisible');
  });

  it('refuses control characters; multi-line text may hold line breaks and tabs', () => {
    expect(humanTextFault('路灯\u0000')).toBe('control');
    expect(humanTextFault('路\u0007灯', { multiline: true })).toBe('control');
    expect(humanTextFault('路灯\u007f', { multiline: true })).toBe('control');
    expect(humanTextFault('路灯\u0085')).toBe('control');
    expect(humanTextFault('第一行\n第二行')).toBe('control');
    expect(humanTextFault('名称\t')).toBe('control');
    expect(humanTextFault('第一行\r\n第二行\t完', { multiline: true })).toBeUndefined();
    expect(humanTextFault('一行\u2028两行')).toBe('control');
  });

  it('refuses a lone surrogate', () => {
    expect(humanTextFault('路灯\ud800')).toBe('malformed');
    expect(humanTextFault('\udc00x', { multiline: true })).toBe('malformed');
  });

  it('accepts real text, joiners and marks within it included', () => {
    for (const text of ['三排镇中心小学课桌椅更新', '👩\u200d👩\u200d👧 家庭帮扶', 'e\u0301', 'Café — 路灯', 'ئۇيغۇرچە \u200f', '\u202b阿拉伯\u202c 文字', '한\u200c국', 'ก็']) {
      expect(humanTextFault(text)).toBeUndefined();
    }
  });
});

describe('@HumanText', () => {
  class Dto {
    @IsString() @HumanText()
    title: string;

    @IsOptional() @IsString() @HumanText({ multiline: true, blankAllowed: true }) @MaxLength(10)
    note?: string;

    password?: string;
  }
  const check = (plain: object) => {
    const dto = plainToInstance(Dto, plain);
    return { dto, errors: validateSync(dto).flatMap((e) => Object.values(e.constraints ?? {})) };
  };

  it('stores text in normalization form C', () => {
    const { dto, errors } = check({ title: 'Cafe\u0301', note: 'A\u030a', password: 'e\u0301' });
    expect(errors).toEqual([]);
    expect(dto.title).toBe('Caf\u00e9');
    expect(dto.note).toBe('\u00c5');
    expect(dto.password).toBe('e\u0301');
  });

  it('measures length after normalization', () => {
    expect(check({ title: 'x', note: 'e\u0301'.repeat(10) }).errors).toEqual([]);
  });

  it('explains the refusal in Chinese, then English', () => {
    expect(check({ title: '\u200b' }).errors).toEqual(['title 须含可见文字，不能只有空白或不可见字符 (title must contain visible text, not only blank or invisible characters)']);
    expect(check({ title: 'a\u0000b' }).errors[0]).toMatch(/^title 不能含控制字符/);
    expect(check({ title: 'ok', note: 'a\u0001' }).errors[0]).toMatch(/^note 不能含控制字符 \(note must not contain control characters other than line breaks and tabs\)$/);
  });

  it('leaves other types to the type checks', () => {
    expect(check({ title: 12 }).errors).toEqual(['title must be a string']);
  });
});
