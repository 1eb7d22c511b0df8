import { exitOnStartFailure, startJsonLogs, startTracing } from '@shecun/core';
import { readFileSync } from 'node:fs';
import { runWriteService } from '@shecun/hosting';
import { MatchingModule, MatchingQueriesModule } from '@shecun/matching';
import { MatchingPushTargeting, PUSH_TARGETING, PushModule, pushOptionsFromEnv } from '@shecun/push';
import { MIGRATIONS } from './migrations';
import { PUSH_SERVICE_ENTITIES } from './write-database';

/**
 * The push service of the distributed topology (推送需求信息): push preferences and secret rotation
 * (commands), each organization's feed and its Server-Sent Events stream, the dispatcher and the
 * webhook sender. The dispatcher ranks with the matching context's model, which this service
 * projects from the event store's log itself, so that it can wait until that model has applied the
 * very event it handles. WEBHOOK_SIGNING_SECRET (or the file WEBHOOK_SIGNING_SECRET_FILE names)
 * is the secret each organization's signing secret derives from.
 */
function webhookSigningSecret(env: NodeJS.ProcessEnv): string {
  const secret = env.WEBHOOK_SIGNING_SECRET || (env.WEBHOOK_SIGNING_SECRET_FILE ? readFileSync(env.WEBHOOK_SIGNING_SECRET_FILE, 'utf8').trim() : '');
  if (!secret) throw new Error('environment variable WEBHOOK_SIGNING_SECRET (or WEBHOOK_SIGNING_SECRET_FILE) is required');
  return secret;
}

startTracing('push-service');
startJsonLogs('push-service');
runWriteService(
  'push service',
  {
    entities: PUSH_SERVICE_ENTITIES,
    migrations: MIGRATIONS,
    imports: [MatchingModule, PushModule.forRoot(pushOptionsFromEnv(process.env, webhookSigningSecret(process.env)), { provide: PUSH_TARGETING, useClass: MatchingPushTargeting }, [MatchingQueriesModule])],
  },
  3006,
).catch(exitOnStartFailure);
