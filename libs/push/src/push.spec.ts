import { Actor, DecisionContext } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { pushSettingsDecider } from './push-settings.decider';
import { DEFAULT_PREFERENCES, isFreshEnough, PushCandidate, PushNeed, PushPreferences, selectRecipients } from './push.model';
import { organizationWebhookSecret, retryDelayMs, signWebhook, verifyWebhook } from './webhook-signing';
import { assertPublicWebhookUrl } from './webhook-url';

const need: PushNeed = { needId: 'n1', title: '课桌椅', villageCode: '441826105201', category: 'education', publishedAt: '2026-11-01T00:00:00.000Z' };
const candidates: PushCandidate[] = [
  { organizationId: 'a', score: 80, reasons: ['服务领域相符'] },
  { organizationId: 'b', score: 55, reasons: [] },
  { organizationId: 'c', score: 30, reasons: [] },
];
const prefs = (over: Partial<PushPreferences>): PushPreferences => ({ ...DEFAULT_PREFERENCES, ...over });

describe('push freshness', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it('pushes a publication up to the maximum age, not a backlog older than that', () => {
    expect(isFreshEnough('2026-11-23T11:59:00Z', now, 7)).toBe(true);
    expect(isFreshEnough('2026-11-16T12:00:00Z', now, 7)).toBe(true);
    expect(isFreshEnough('2026-11-16T11:59:59Z', now, 7)).toBe(false);
    expect(isFreshEnough('2024-11-23T12:00:00Z', now, 7)).toBe(false);
    expect(isFreshEnough('2024-11-23T12:00:00Z', now, 800)).toBe(true);
  });
});

describe('push recipients', () => {
  it('by default: every candidate scoring at least 50', () => {
    expect(selectRecipients(need, candidates, () => undefined).map((r) => r.organizationId)).toEqual(['a', 'b']);
  });
  it('each organization’s minimum score, categories and regions filter', () => {
    const by: Record<string, PushPreferences> = {
      a: prefs({ minimumScore: 90 }),
      b: prefs({ minimumScore: 0, categories: ['health'] }),
      c: prefs({ minimumScore: 0, regions: ['4418'] }),
    };
    expect(selectRecipients(need, candidates, (id) => by[id]).map((r) => r.organizationId)).toEqual(['c']);
    expect(selectRecipients(need, candidates, () => prefs({ minimumScore: 0, regions: ['4401', '441826'] })).map((r) => r.organizationId)).toEqual(['a', 'b', 'c']);
    expect(selectRecipients(need, candidates, () => prefs({ minimumScore: 0, categories: ['education', 'care'] }))).toHaveLength(3);
  });
});

describe('push settings decider', () => {
  const now = new Date('2026-11-01T00:00:00.000Z');
  const ctx = (actor: Actor): DecisionContext => ({ actor, now });
  const own: Actor = { id: 's', role: 'organization', organizationId: 'org-a' };
  it('only the organization’s own staff set preferences and rotate the secret', () => {
    given(pushSettingsDecider).when({ type: 'SetPushPreferences', organizationId: 'org-a', ...DEFAULT_PREFERENCES, minimumScore: 70 }, ctx(own)).then([
      { type: 'PushPreferencesSet', data: { organizationId: 'org-a', ...DEFAULT_PREFERENCES, minimumScore: 70, setAt: now.toISOString() } },
    ]);
    given(pushSettingsDecider).when({ type: 'RotateWebhookSecret', organizationId: 'org-a' }, ctx({ id: 'h', role: 'hub', organizationId: 'org-a' })).then([
      { type: 'WebhookSecretRotated', data: { organizationId: 'org-a', version: 2, rotatedAt: now.toISOString() } },
    ]);
    given(pushSettingsDecider).when({ type: 'RotateWebhookSecret', organizationId: 'org-a' }, ctx({ id: 'x', role: 'organization', organizationId: 'org-b' })).thenThrows('forbidden');
    given(pushSettingsDecider).when({ type: 'RotateWebhookSecret', organizationId: 'org-a' }, ctx({ id: 'b', role: 'bureau', scope: '44' })).thenThrows('forbidden');
  });
});

describe('webhook signatures and retries', () => {
  it('sign and verify over timestamp and body; any change fails', () => {
    const secret = organizationWebhookSecret('server', 'org-a', 1);
    expect(secret).not.toBe(organizationWebhookSecret('server', 'org-a', 2));
    expect(secret).not.toBe(organizationWebhookSecret('server', 'org-b', 1));
    const signature = signWebhook(secret, '1700000000', '{"a":1}');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, '1700000000', '{"a":1}', signature)).toBe(true);
    expect(verifyWebhook(secret, '1700000001', '{"a":1}', signature)).toBe(false);
    expect(verifyWebhook(secret, '1700000000', '{"a":2}', signature)).toBe(false);
    expect(verifyWebhook(organizationWebhookSecret('server', 'org-a', 2), '1700000000', '{"a":1}', signature)).toBe(false);
  });
  it('back off exponentially up to five minutes', () => {
    expect([1, 2, 3, 4, 10, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 300_000, 300_000]);
  });
  it('refuse internal addresses unless allowed', async () => {
    await expect(assertPublicWebhookUrl('http://127.0.0.1:8080/hook', {})).rejects.toThrow('internal address 127.0.0.1');
    await expect(assertPublicWebhookUrl('http://10.1.2.3/hook', {})).rejects.toThrow('internal address');
    await expect(assertPublicWebhookUrl('http://[::1]/hook', {})).rejects.toThrow('internal address');
    await expect(assertPublicWebhookUrl('ftp://example.org/x', {})).rejects.toThrow('http or https');
    await expect(assertPublicWebhookUrl('https://u:p@example.org/x', {})).rejects.toThrow('credentials');
    await expect(assertPublicWebhookUrl('http://93.184.216.34/hook', {})).resolves.toBeUndefined();
    await expect(assertPublicWebhookUrl('http://127.0.0.1:8080/hook', { PUSH_WEBHOOK_ALLOW_PRIVATE: 'true' })).resolves.toBeUndefined();
  });
});
