import { embeddedPushOptions } from './context';

describe('push options from the environment', () => {
  const dataDir = '/nonexistent';
  const env = (extra: Record<string, string>) => ({ WEBHOOK_SIGNING_SECRET: 'test-secret', ...extra });

  it('reads PUSH_MAX_AGE_DAYS, 7 when unset or empty', () => {
    expect(embeddedPushOptions(dataDir, env({})).maxAgeDays).toBe(7);
    expect(embeddedPushOptions(dataDir, env({ PUSH_MAX_AGE_DAYS: '' })).maxAgeDays).toBe(7);
    expect(embeddedPushOptions(dataDir, env({ PUSH_MAX_AGE_DAYS: '30' })).maxAgeDays).toBe(30);
  });

  it('refuses a maximum age that would silently stop every push', () => {
    expect(() => embeddedPushOptions(dataDir, env({ PUSH_MAX_AGE_DAYS: '0' }))).toThrow('PUSH_MAX_AGE_DAYS must be a positive number');
    expect(() => embeddedPushOptions(dataDir, env({ PUSH_MAX_AGE_DAYS: 'seven' }))).toThrow('PUSH_MAX_AGE_DAYS must be a positive number');
  });
});
