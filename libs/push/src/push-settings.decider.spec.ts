import { Actor, DecisionContext } from '@shecun/core';
import { given } from '@shecun/core/testing';
import { DEFAULT_PREFERENCES, PushSettingsEvent } from './push.model';
import { pushSettingsDecider } from './push-settings.decider';

const now = new Date('2026-11-02T00:00:00.000Z');
const ctx: DecisionContext = { actor: { id: 's', role: 'organization', organizationId: 'org-a' } as Actor, now };
const earlier: PushSettingsEvent = {
  type: 'PushPreferencesSet',
  data: { organizationId: 'org-a', ...DEFAULT_PREFERENCES, categories: ['education'], webhookUrl: 'https://hooks.example.org/a', setAt: '2026-11-01T00:00:00.000Z' },
};

describe('push settings decider: a change names only its fields', () => {
  it('given preferences set, when only the minimum score is changed, then the other fields stay as they are in the store (not as the sender last read them)', () => {
    given(pushSettingsDecider, [earlier]).when({ type: 'SetPushPreferences', organizationId: 'org-a', minimumScore: 80 }, ctx).then([
      { type: 'PushPreferencesSet', data: { organizationId: 'org-a', ...DEFAULT_PREFERENCES, categories: ['education'], webhookUrl: 'https://hooks.example.org/a', minimumScore: 80, setAt: now.toISOString() } },
    ]);
  });

  it('given a webhook, when webhookUrl is null, then the webhook is removed; undefined fields are kept', () => {
    given(pushSettingsDecider, [earlier]).when({ type: 'SetPushPreferences', organizationId: 'org-a', webhookUrl: null, regions: undefined }, ctx).then([
      { type: 'PushPreferencesSet', data: { organizationId: 'org-a', ...DEFAULT_PREFERENCES, categories: ['education'], webhookUrl: null, setAt: now.toISOString() } },
    ]);
  });

  it('declares every command commuting: a concurrent change is applied over, not refused', () => {
    expect(pushSettingsDecider.commutes({ type: 'SetPushPreferences', organizationId: 'org-a', minimumScore: 60 })).toBe(true);
  });
});
