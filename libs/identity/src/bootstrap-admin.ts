import { executeCommand, SYSTEM_ACTOR } from '@shecun/core';
import { EventStore } from '@shecun/event-store';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { v5 as uuidv5 } from 'uuid';
import { normalizeUsername, USERNAME, userIdFor, userStream } from './identity.model';
import { hashPassword } from './password';
import { userDecider } from './user.decider';

const BOOTSTRAP_NAMESPACE = '5f0e2d4c-3b1a-5c9d-8e7f-6a5b4c3d2e1f';

export interface BootstrapResult {
  userId: string;
  username: string;
  /** False when the user already existed: nothing was appended. */
  created: boolean;
  /** Printed once: the administrator must change it at the first sign-in. */
  oneTimePassword?: string;
}

/**
 * The first administrator of an installation, in any topology (straight on the event store, as
 * the platform): idempotent — a user that exists is left as it is. Without a password a one-time
 * password is made, and every session of that user can only change it until it is changed.
 */
export async function bootstrapAdministrator(store: EventStore, input: { username: string; password?: string }): Promise<BootstrapResult> {
  const username = normalizeUsername(input.username);
  if (!USERNAME.test(username)) throw new Error('用户名须为 3-64 位小写字母、数字或 ._- (username: 3-64 lowercase letters, digits or ._-)');
  if (input.password !== undefined && input.password.length < 10) throw new Error('密码至少 10 个字符 (the password must have at least 10 characters)');
  const userId = userIdFor(username);
  if ((await store.readStream(userStream(userId))).length > 0) return { userId, username, created: false };
  const oneTimePassword = input.password === undefined ? randomBytes(15).toString('base64url') : undefined;
  const id = (step: string) => uuidv5(`bootstrap-admin/${username}/${step}`, BOOTSTRAP_NAMESPACE);
  await executeCommand(store, userStream(userId), userDecider, {
    actor: SYSTEM_ACTOR,
    commandId: id('register'),
    correlationId: id('register'),
    command: {
      type: 'RegisterUser',
      userId,
      username,
      displayName: username,
      passwordHash: await hashPassword(input.password ?? oneTimePassword!),
      externalSubject: null,
      initialGrant: { grantId: `g-${id('grant')}`, grant: { role: 'admin' } },
      mustChangePassword: oneTimePassword !== undefined,
    },
  });
  return { userId, username, created: true, ...(oneTimePassword ? { oneTimePassword } : {}) };
}

/** The password the operator gave: ADMIN_PASSWORD_FILE (first line), else ADMIN_PASSWORD, else none (a one-time password). */
export function adminPasswordFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.ADMIN_PASSWORD_FILE) return readFileSync(env.ADMIN_PASSWORD_FILE, 'utf8').split(/\r?\n/)[0];
  return env.ADMIN_PASSWORD || undefined;
}

/** What a bootstrap prints for the operator. */
export function describeBootstrap(result: BootstrapResult): string {
  if (!result.created) return `用户 ${result.username} 已存在，未做更改 (user ${result.username} exists already: nothing changed)`;
  if (result.oneTimePassword) {
    return [
      `系统管理员 ${result.username} 已创建 (administrator ${result.username} created, user id ${result.userId})`,
      `一次性密码 (one-time password, shown only now): ${result.oneTimePassword}`,
      '首次登录后须先修改密码 (the first sign-in must change it: POST /api/users/{id}/password)',
    ].join('\n');
  }
  return `系统管理员 ${result.username} 已创建 (administrator ${result.username} created, user id ${result.userId}); sign in with POST /api/auth/login`;
}
