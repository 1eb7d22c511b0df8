import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-body';

describe('jsonNestsDeeperThan', () => {
  const nested = (depth: number, open = '{"a":', close = '}') => `${open.repeat(depth)}1${close.repeat(depth)}`;

  it('counts objects and arrays, as text and as bytes', () => {
    for (const [open, close] of [['{"a":', '}'], ['[', ']']]) {
      const at32 = nested(32, open, close);
      const at33 = nested(33, open, close);
      expect(jsonNestsDeeperThan(at32, MAX_JSON_DEPTH)).toBe(false);
      expect(jsonNestsDeeperThan(at33, MAX_JSON_DEPTH)).toBe(true);
      expect(jsonNestsDeeperThan(Buffer.from(at32), MAX_JSON_DEPTH)).toBe(false);
      expect(jsonNestsDeeperThan(Buffer.from(at33), MAX_JSON_DEPTH)).toBe(true);
    }
  });

  it('measures depth, not the number of brackets', () => {
    const wide = JSON.stringify(Array.from({ length: 10_000 }, () => ({ a: [1, { b: [] }] })));
    expect(jsonNestsDeeperThan(wide, 5)).toBe(false);
    expect(jsonNestsDeeperThan(wide, 4)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ title: '[[[[{{{{ "quoted [" \\ ]]]]', list: ['{', '\\"[', '\u4e2d[文'] });
    expect(jsonNestsDeeperThan(text, 2)).toBe(false);
    expect(jsonNestsDeeperThan(Buffer.from(text), 2)).toBe(false);
    expect(jsonNestsDeeperThan(`["${'['.repeat(1000)}"]`, 1)).toBe(false);
  });

  it('scans a million levels without recursion', () => {
    expect(jsonNestsDeeperThan(Buffer.from('['.repeat(1_000_000) + ']'.repeat(1_000_000)), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonNestsDeeperThan('['.repeat(1_000_000), 1_000_001)).toBe(false);
  });
});
