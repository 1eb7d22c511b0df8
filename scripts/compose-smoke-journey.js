#!/usr/bin/env node
'use strict';
/**
 * The HTTP half of scripts/compose-smoke.sh: the first administrator's journey through a running
 * gateway, then a need posted by a village coordinator and seen in the gateway's read model.
 *
 *   node scripts/compose-smoke-journey.js <gateway-url> <admin-username>
 *
 * SMOKE_ADMIN_PASSWORD: the one-time password create-admin printed. SMOKE_DIST: the built dist/
 * folder whose waitFor (libs/core/src/retry) paces the waits (default /app/dist, the image's; the
 * smoke script runs this file inside the product image, on the stack's network). SMOKE_KEEP=1 prints
 * the administrator's new password at the end, for a stack left running. Exits 1 at the first step
 * that does not go as the API says it should.
 */
const { randomBytes } = require('node:crypto');
const { join } = require('node:path');

const [gateway, adminUsername] = process.argv.slice(2);
const oneTimePassword = process.env.SMOKE_ADMIN_PASSWORD;
if (!gateway || !adminUsername || !oneTimePassword) {
  console.error('usage: SMOKE_ADMIN_PASSWORD=<one-time password> node scripts/compose-smoke-journey.js <gateway-url> <admin-username>');
  process.exit(2);
}
const { waitFor } = require(join(process.env.SMOKE_DIST || '/app/dist', 'libs/core/src/retry.js'));

const started = Date.now();
const step = (text) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${text}`);
class StepFailed extends Error {}
const fail = (text) => {
  throw new StepFailed(text);
};

async function call(method, path, { token, body, headers = {} } = {}) {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/** Calls `attempt` until `done` holds of its answer (an unreachable gateway counts as not yet), up to `timeoutMs`; fails with `what` and the last answer. */
async function until(what, attempt, done, timeoutMs) {
  let last;
  const ok = await waitFor(
    async () => {
      try {
        last = await attempt();
      } catch (error) {
        last = { status: 0, text: String(error && error.message) };
      }
      return done(last);
    },
    { timeoutMs, intervalMs: 250, maxIntervalMs: 2000 },
  );
  if (!ok) fail(`${what}: not within ${timeoutMs / 1000} s; last answer ${last && last.status} ${last && last.text.slice(0, 300)}`);
  return last;
}

async function main() {
  await until('gateway health', () => call('GET', '/health'), (r) => r.status === 200, 120_000);
  step('gateway healthy');

  // The projector must have applied the administrator's UserRegistered before the gateway knows them.
  const first = await until('sign-in with the one-time password', () => call('POST', '/api/auth/login', { body: { username: adminUsername, password: oneTimePassword } }), (r) => r.status === 200, 120_000);
  if (first.json.passwordChangeRequired !== true) fail(`the first sign-in did not ask for a password change: ${first.text}`);
  const limited = await call('GET', '/api/users', { token: first.json.accessToken });
  if (limited.status !== 403) fail(`before the password change, GET /api/users answered ${limited.status}, not 403`);
  step(`signed in as ${adminUsername}; a password change is required and other routes are refused`);

  const adminPassword = `smoke-${randomBytes(12).toString('base64url')}`;
  const changed = await call('POST', `/api/users/${first.json.user.id}/password`, { token: first.json.accessToken, body: { currentPassword: oneTimePassword, newPassword: adminPassword } });
  if (changed.status !== 200) fail(`password change: ${changed.status} ${changed.text}`);
  const admin = await until('sign-in with the new password', () => call('POST', '/api/auth/login', { body: { username: adminUsername, password: adminPassword } }), (r) => r.status === 200 && r.json.passwordChangeRequired === false, 60_000);
  step('password changed; signed in again without a change required');

  const suffix = randomBytes(4).toString('hex');
  const coordinatorName = `smoke-cadre-${suffix}`;
  const coordinatorPassword = `smoke-${randomBytes(12).toString('base64url')}`;
  const created = await call('POST', '/api/users', {
    token: admin.json.accessToken,
    headers: { 'Idempotency-Key': `smoke-user-${suffix}` },
    body: { username: coordinatorName, displayName: '冒烟测试村干部', password: coordinatorPassword, grant: { role: 'coordinator', scope: '441826105' } },
  });
  if (created.status !== 201) fail(`creating the coordinator: ${created.status} ${created.text}`);
  step(`coordinator ${coordinatorName} created (scope 441826105, 三排镇)`);

  const coordinator = await until('the coordinator signs in', () => call('POST', '/api/auth/login', { body: { username: coordinatorName, password: coordinatorPassword } }), (r) => r.status === 200, 60_000);
  const need = { villageCode: '441826105201', title: '冒烟测试：村卫生室药品柜', category: 'health', publish: true, lineItems: [{ kind: 'goods', description: '药品柜', unit: '个', quantity: 2 }] };
  // The needs service authorizes against the grants it projects itself: 401/403 until it has the new one. The same key makes the retries one command.
  const posted = await until(
    'posting the need',
    () => call('POST', '/api/needs', { token: coordinator.json.accessToken, headers: { 'Idempotency-Key': `smoke-need-${suffix}` }, body: need }),
    (r) => r.status !== 401 && r.status !== 403 && r.status !== 0 && r.status !== 502 && r.status !== 503,
    60_000,
  );
  if (posted.status !== 201 || !posted.json || !posted.json.needId) fail(`posting the need: ${posted.status} ${posted.text}`);
  const needId = posted.json.needId;
  step(`need ${needId} posted`);

  // NeedDrafted and NeedPublished: through the event store, the relay, Kafka and the projector into the gateway's read model.
  const seen = await until('the need in the gateway read model', () => call('GET', `/api/needs/${needId}`, { token: coordinator.json.accessToken }), (r) => r.status === 200 && r.json.status === 'published', 60_000);
  if (seen.json.title !== need.title) fail(`the need reads back with title ${JSON.stringify(seen.json.title)}`);
  step(`need ${needId} visible and published through the gateway`);
  if (process.env.SMOKE_KEEP === '1') console.log(`administrator ${adminUsername}'s password is now: ${adminPassword}`);
}

main().catch((error) => {
  console.error(error instanceof StepFailed ? `smoke journey failed: ${error.message}` : error);
  process.exit(1);
});
