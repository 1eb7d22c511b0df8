import { AccountBackingOff, DEFAULT_LOGIN_BACKOFF, LoginAttempts } from './login-attempts';

describe('LoginAttempts (per-account back-off)', () => {
  let now = 0;
  const attempts = () => new LoginAttempts({ ...DEFAULT_LOGIN_BACKOFF, maxTracked: 3 }, () => now);
  const fail = (a: LoginAttempts, name: string) => (a.begin(name), a.end(name, 'failed'));
  beforeEach(() => (now = 1_000_000));

  it('lets the free failures pass, then pauses for 1 s, 2 s, 4 s … up to the maximum, per normalized username', () => {
    const a = attempts();
    for (let i = 0; i < 5; i++) expect(fail(a, 'Li.Ming ')).toBe(0);
    expect(fail(a, 'li.ming')).toBe(1_000);
    expect(() => a.begin('LI.MING')).toThrow(AccountBackingOff);
    now += 1_000;
    expect(fail(a, 'li.ming')).toBe(2_000);
    now += 2_000;
    expect(fail(a, 'li.ming')).toBe(4_000);
    try {
      a.begin('li.ming');
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(AccountBackingOff);
      expect((error as AccountBackingOff).retryAfterSeconds).toBe(4);
      expect((error as AccountBackingOff).getStatus()).toBe(429);
    }
    for (let i = 0; i < 20; i++) (now += 15 * 60_000), fail(a, 'li.ming');
    now += 15 * 60_000;
    expect(fail(a, 'li.ming')).toBe(15 * 60_000);
  });

  it('a success clears the count; another account is never affected', () => {
    const a = attempts();
    for (let i = 0; i < 5; i++) fail(a, 'a.user');
    a.begin('a.user');
    a.end('a.user', 'succeeded');
    expect(fail(a, 'a.user')).toBe(0);
    expect(() => a.begin('b.user')).not.toThrow();
  });

  it('at most the free failures left run at once, one once they are spent; an abandoned check does not count', () => {
    const a = attempts();
    for (let i = 0; i < 5; i++) a.begin('c.user');
    expect(() => a.begin('c.user')).toThrow(AccountBackingOff);
    for (let i = 0; i < 5; i++) a.end('c.user', 'abandoned');
    for (let i = 0; i < 4; i++) fail(a, 'c.user');
    a.begin('c.user');
    expect(() => a.begin('c.user')).toThrow(AccountBackingOff);
  });

  it('forgets an hour-old count and keeps at most maxTracked accounts', () => {
    const a = attempts();
    for (let i = 0; i < 5; i++) fail(a, 'd.user');
    now += 60 * 60_000 + 1;
    expect(fail(a, 'd.user')).toBe(0);
    for (const name of ['e.user', 'f.user', 'g.user', 'h.user']) fail(a, name);
    expect(a.tracked).toBe(3);
  });
});
