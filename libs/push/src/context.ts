import { MatchingQueriesModule } from '@shecun/matching';
import { ContextDefinition } from '@shecun/projections';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MatchingPushTargeting } from './matching-targeting';
import { PUSH_TARGETING } from './push.model';
import { PushModule } from './push.module';
import { NoticeClock } from './notice-options';
import { PUSH_VIEW_ENTITIES } from './push.projection';
import { PushOptions, pushOptionsFromEnv } from './webhook.dispatcher';

export const PUSH_TOPIC = 'shecun.push.v1';

/** What the embedded app may set for push (`settings.push`): `dispatch` overrides PUSH_DISPATCH. */
export interface PushSettings {
  dispatch?: boolean;
  /** The clock notices go by (quiet hours, digests, retries); tests advance their own. */
  noticeClock?: NoticeClock;
}

/**
 * Push options in the embedded topology: webhooks are signed with secrets derived from
 * WEBHOOK_SIGNING_SECRET, or from a random secret kept in the data folder (`keys/webhook-secret`,
 * made on first start).
 */
export function embeddedPushOptions(dataDir: string, env: NodeJS.ProcessEnv, settings: PushSettings = {}): PushOptions {
  let serverSecret = env.WEBHOOK_SIGNING_SECRET;
  if (!serverSecret) {
    const file = join(dataDir, 'keys', 'webhook-secret');
    if (!existsSync(file)) {
      mkdirSync(join(dataDir, 'keys'), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    }
    serverSecret = readFileSync(file, 'utf8').trim();
  }
  const options = pushOptionsFromEnv(env, serverSecret);
  const notices = settings.noticeClock ? { ...options.notices, clock: settings.noticeClock } : options.notices;
  return { ...options, notices, ...(settings.dispatch === undefined ? {} : { dispatch: settings.dispatch }) };
}

/**
 * Push (推送): matching needs delivered to organizations by feed, event stream and webhook. In the
 * distributed topology the push service keeps its own views (the gateway forwards /api/push).
 */
export const pushContext: ContextDefinition = {
  name: 'push',
  streams: { push: PUSH_TOPIC },
  // `push-settings-<organization>`, `push-<organization>` (the feed) and `push-notices-<user>` (a person's notices) share the family.
  events: { push: ['PushPreferencesSet', 'WebhookSecretRotated', 'NeedPushed', 'NoticePreferencesSet'] },
  embedded: {
    module: ({ dataDir, env, settings }) =>
      PushModule.forRoot(embeddedPushOptions(dataDir, env, settings.push as PushSettings | undefined), { provide: PUSH_TARGETING, useClass: MatchingPushTargeting }, [MatchingQueriesModule]),
    entities: PUSH_VIEW_ENTITIES,
  },
  // The push service keeps the only copy of the push views (feeds, their streams, deliveries): its reads are forwarded too.
  distributed: { commands: { service: 'push', prefixes: ['/api/push'], reads: true } },
};
