import { DomainEvent } from '@shecun/core';
import { Category } from '@shecun/categories';

/**
 * Pushing needs to the organizations that fit them (推送需求信息): an organization's preferences,
 * the needs pushed to it (its feed), and signed webhooks delivering them.
 */
export const pushSettingsStream = (organizationId: string) => `push-settings-${organizationId}`;
export const pushFeedStream = (organizationId: string) => `push-${organizationId}`;

export interface PushPreferences {
  /** Categories it wants; empty for every category. */
  categories: Category[];
  /** Division code prefixes it wants needs from; empty for all of Guangdong. */
  regions: string[];
  /** Pushes only needs it scores at least this for (0-100, the matching score). */
  minimumScore: number;
  /** Where to POST each push, or null for the in-app feed and the event stream only. */
  webhookUrl: string | null;
  /** Names its member units (会员单位) in each push, for the organization to pass on. */
  includeMemberUnits: boolean;
}

export const DEFAULT_PREFERENCES: PushPreferences = { categories: [], regions: [], minimumScore: 50, webhookUrl: null, includeMemberUnits: false };

export type PushPreferencesSet = DomainEvent<'PushPreferencesSet', PushPreferences & { organizationId: string; setAt: string }>;
export type WebhookSecretRotated = DomainEvent<'WebhookSecretRotated', { organizationId: string; version: number; rotatedAt: string }>;
export type PushSettingsEvent = PushPreferencesSet | WebhookSecretRotated;
export const isPushSettingsEvent = (e: { type: string; streamName?: string }) => e.type === 'PushPreferencesSet' || e.type === 'WebhookSecretRotated';

/** A need pushed to one organization: at most once per organization and need (its event id derives from both). */
export type NeedPushed = DomainEvent<
  'NeedPushed',
  {
    organizationId: string;
    needId: string;
    title: string;
    villageCode: string;
    category: Category;
    score: number;
    reasons: string[];
    trigger: 'published' | 'revised';
    memberUnits: string[];
    webhookUrl: string | null;
    pushedAt: string;
  }
>;
export const isNeedPushed = (e: { type: string }) => e.type === 'NeedPushed';

/** A need as the push decides on it. */
export interface PushNeed {
  needId: string;
  title: string;
  villageCode: string;
  category: Category;
  publishedAt: string | null;
}

/** One organization a need fits, with its matching score (0-100) and the reasons. */
export interface PushCandidate {
  organizationId: string;
  score: number;
  reasons: string[];
}

/**
 * Who a published need fits: the matching context ranks organizations (see libs/matching); the
 * push only filters by each organization's preferences.
 */
export interface PushTargeting {
  candidatesFor(need: PushNeed): Promise<PushCandidate[]>;
  /** Projections the ranking reads; the dispatcher waits until they have applied the need's event. */
  readonly projections?: string[];
}
export const PUSH_TARGETING = Symbol('PUSH_TARGETING');

/** Whether a publication or revision at `occurredAt` is still news at `now` (see PushOptions.maxAgeDays). Pure. */
export function isFreshEnough(occurredAt: string, now: number, maxAgeDays: number): boolean {
  return now - Date.parse(occurredAt) <= maxAgeDays * 86_400_000;
}

/** The organizations a need goes to: candidates whose preferences accept it. Pure. */
export function selectRecipients(need: PushNeed, candidates: PushCandidate[], preferencesOf: (organizationId: string) => PushPreferences | undefined): (PushCandidate & { preferences: PushPreferences })[] {
  return candidates.flatMap((candidate) => {
    const preferences = preferencesOf(candidate.organizationId) ?? DEFAULT_PREFERENCES;
    if (candidate.score < preferences.minimumScore) return [];
    if (preferences.categories.length > 0 && !preferences.categories.includes(need.category)) return [];
    if (preferences.regions.length > 0 && !preferences.regions.some((prefix) => need.villageCode.startsWith(prefix))) return [];
    return [{ ...candidate, preferences }];
  });
}
