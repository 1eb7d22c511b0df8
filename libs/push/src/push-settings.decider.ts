import { Decider, everyCommandCommutes, forbidden } from '@shecun/core';
import { DEFAULT_PREFERENCES, PushPreferences, PushSettingsEvent } from './push.model';

/** `SetPushPreferences` names only the fields to change (undefined: kept; `webhookUrl: null` removes the webhook). */
export type PushSettingsCommand = ({ type: 'SetPushPreferences'; organizationId: string } & Partial<PushPreferences>) | { type: 'RotateWebhookSecret'; organizationId: string };

export interface PushSettingsState {
  organizationId: string;
  preferences: PushPreferences;
  /** Version of the webhook signing secret; rotating it makes the previous one useless. */
  secretVersion: number;
  updatedAt: string | null;
}

export const initialPushSettings: PushSettingsState = { organizationId: '', preferences: DEFAULT_PREFERENCES, secretVersion: 1, updatedAt: null };

/** An organization's staff or hub admin set its own push preferences; nobody else does. */
export const pushSettingsDecider: Decider<PushSettingsCommand, PushSettingsState, PushSettingsEvent> = {
  initialState: initialPushSettings,
  decide(command, state, { actor, now }) {
    const own = (actor.role === 'organization' || actor.role === 'hub') && actor.organizationId === command.organizationId;
    if (!own && actor.role !== 'system') throw forbidden(`只有 ${command.organizationId} 的工作人员可以设置推送 (only the organization’s own staff set its push preferences)`);
    const at = now.toISOString();
    if (command.type === 'RotateWebhookSecret') {
      return [{ type: 'WebhookSecretRotated', data: { organizationId: command.organizationId, version: state.secretVersion + 1, rotatedAt: at } }];
    }
    const { type: _type, organizationId, ...changes } = command;
    const named = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<PushPreferences>;
    return [{ type: 'PushPreferencesSet', data: { organizationId, ...state.preferences, ...named, setAt: at } }];
  },
  evolve(state, event) {
    if (event.type === 'WebhookSecretRotated') return { ...state, organizationId: event.data.organizationId, secretVersion: event.data.version, updatedAt: event.data.rotatedAt };
    const { organizationId, setAt, ...preferences } = event.data;
    return { ...state, organizationId, preferences, updatedAt: setAt };
  },
  /** A change names only its fields and is applied over the preferences as they are then: it commutes. */
  commutes: everyCommandCommutes,
};
