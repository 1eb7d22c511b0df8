import { executeCommand } from '@shecun/core';
import { PostgresEventStore } from '@shecun/event-store';
import { GrantSpec, hashPassword, sessionDecider, sessionStream, TokenService, userDecider, userIdFor, userStream } from '@shecun/identity';
import { makeCreditCode, organizationDecider, organizationStream } from '@shecun/organizations';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { v5 as uuidv5 } from 'uuid';

const NAMESPACE = '3c2b1a09-8f7e-5d6c-9b4a-3f2e1d0c9b8a';
const SYSTEM = { id: 'system', role: 'system' as const };

/**
 * Token keys of a distributed test: the gateway signs with the private key (JWT_PRIVATE_KEY_FILE),
 * the services that only verify get the public one (JWT_PUBLIC_KEY_FILES).
 */
export function tokenKeys(dir: string) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateFile = join(dir, 'jwt-private.pem');
  const publicFile = join(dir, 'jwt-public.pem');
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicFile, createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));
  const tokens = new TokenService({ issuer: 'shecun', audience: 'shecun-api', ttlSeconds: 3600, signingKey: privateKey, verificationKeys: [createPublicKey(privateKey)] });
  return {
    /** Environment of the gateway (issues tokens). */
    issuerEnv: { JWT_PRIVATE_KEY_FILE: privateFile },
    /** Environment of services that verify tokens. */
    verifierEnv: { JWT_PUBLIC_KEY_FILES: publicFile },
    tokens,
  };
}

/**
 * Makes users with grants and registered organizations straight in the event store, through the
 * deciders' command path as the platform (there is no organizations service in this topology yet),
 * and returns bearer tokens for the users. The services see them once they have projected the
 * events (the needs service from the event store, the gateway through Kafka).
 */
export async function provisionDistributed(
  eventStoreUrl: string,
  tokens: TokenService,
  users: { username: string; grant: GrantSpec; password?: string }[],
  organizations: string[] = [],
): Promise<Record<string, Record<string, string>>> {
  const store = await PostgresEventStore.open({ connectionString: eventStoreUrl });
  const headers: Record<string, Record<string, string>> = {};
  try {
    for (const [index, organizationId] of organizations.entries()) {
      const commandId = uuidv5(`org/${organizationId}`, NAMESPACE);
      await executeCommand(store, organizationStream(organizationId), organizationDecider, {
        actor: { id: 'registrar', role: 'bureau', scope: '44' },
        commandId,
        correlationId: commandId,
        command: {
          type: 'RegisterOrganization', organizationId, creditCode: makeCreditCode('social_group', '440100', 500 + index), name: `社会组织 ${organizationId}`,
          homeDivisionCode: '4401', hubKind: null, categories: ['care'], contact: {}, memberUnits: [], description: '',
        },
      });
    }
    for (const { username, grant, password } of users) {
      const userId = userIdFor(username);
      const id = (step: string) => uuidv5(`${username}/${step}`, NAMESPACE);
      await executeCommand(store, userStream(userId), userDecider, {
        actor: SYSTEM, commandId: id('register'), correlationId: id('register'),
        command: { type: 'RegisterUser', userId, username, displayName: username, passwordHash: password ? await hashPassword(password) : 'no-password', externalSubject: null },
      });
      const grantId = `g-${id('grant')}`;
      await executeCommand(store, userStream(userId), userDecider, { actor: SYSTEM, commandId: id('grant'), correlationId: id('grant'), command: { type: 'GiveGrant', grantId, grant } });
      // A sign-in session as a login starts one, then its access token.
      const sessionId = id('session');
      await executeCommand(store, sessionStream(sessionId), sessionDecider, {
        actor: { id: userId, role: grant.role }, commandId: id('session'), correlationId: id('session'),
        command: { type: 'StartSession', sessionId, userId, grantId, refreshHash: 'none', sessionVersion: 0, idleSeconds: 3600, maxSeconds: 12 * 3600 },
      });
      headers[username] = { Authorization: `Bearer ${(await tokens.issue(userId, grantId, { sessionId, sessionVersion: 0 })).accessToken}` };
    }
  } finally {
    await store.close();
  }
  return headers;
}

/** Retries `send` while the services have not yet projected the caller's grant (401) or organization (403). */
export async function untilAuthorized(send: () => Promise<Response>, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await send();
    if ((res.status !== 401 && res.status !== 403) || Date.now() > deadline) return res;
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Waits until the needs service knows the load's users and organizations: a validation-failing
 * commitment (nothing is appended) answers 401/403 until the user's grant and the organization's
 * standing are projected, and 404 (no such need) once they are.
 */
export async function waitUntilAuthorized(gatewayUrl: string, users: Record<string, Record<string, string>>, timeoutMs = 60_000): Promise<void> {
  for (const [username, auth] of Object.entries(users)) {
    const organizationId = username.startsWith('staff-') ? username.slice('staff-'.length) : undefined;
    const res = await untilAuthorized(
      () =>
        organizationId
          ? fetch(`${gatewayUrl}/api/needs/00000000-0000-4000-8000-000000000000/commitments`, {
              method: 'POST',
              headers: { ...auth, 'content-type': 'application/json' },
              body: JSON.stringify({ organizationId, organizationName: 'x', items: [{ lineItemId: 'L1', quantity: 1 }], promisedBy: '2099-01-01' }),
            })
          : fetch(`${gatewayUrl}/api/needs/00000000-0000-4000-8000-000000000000/publish`, { method: 'POST', headers: auth }),
      timeoutMs,
    );
    await res.body?.cancel();
    if (res.status !== 404) throw new Error(`${username} is still not authorized (${res.status})`);
  }
}
