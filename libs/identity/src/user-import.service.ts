import { Inject, Injectable } from '@nestjs/common';
import { Actor, DomainError, executeCommand, foldRecorded, forbidden, retry } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { readRegistryFile, RegistryFileFormat, sniffFormat } from '@shecun/organizations';
import { randomUUID } from 'node:crypto';
import { GrantSpec, isOrganizationGrant, OrganizationScope, userIdFor, userStream } from './identity.model';
import { OrganizationScopes } from './organization-scopes';
import { oneTimePassword, PasswordHasher, PasswordHashingSaturated } from './password';
import { mapUserColumns, UserImportCandidate, UserImportError, userCandidateFromRow } from './user-import';
import { activeGrants, administersOrganization, UserCommand, userDecider } from './user.decider';

/**
 * created: user and grant appended now, with a one-time password; granted: the user existed (same
 * name) and got the row's grant; unchanged: the user exists with this name and grant already;
 * would_create / would_grant: what a run would do (dry run); rejected: see errors, nothing written.
 */
export type UserImportStatus = 'created' | 'granted' | 'unchanged' | 'would_create' | 'would_grant' | 'rejected';

const STATUS_TEXT: Record<UserImportStatus, string> = {
  created: '已创建，须在首次登录时修改一次性密码 (created; the one-time password must be changed at the first sign-in)',
  granted: '用户已存在，已授予此授权 (the user existed: this grant was given)',
  unchanged: '用户与授权均已存在，未做更改 (user and grant exist already: nothing changed)',
  would_create: '将创建 (would be created)',
  would_grant: '用户已存在，将授予此授权 (the user exists: this grant would be given)',
  rejected: '未导入 (not imported)',
};

export interface UserImportRowResult {
  row: number;
  status: UserImportStatus;
  /** The status in Chinese and English. */
  message: string;
  username?: string;
  userId?: string;
  displayName?: string;
  grant?: GrantSpec;
  /** Only for `created`, only in this answer: the user must change it at the first sign-in. */
  oneTimePassword?: string;
  errors?: UserImportError[];
}

export interface UserImportReport {
  format: RegistryFileFormat;
  dryRun: boolean;
  rows: number;
  created: number;
  granted: number;
  unchanged: number;
  wouldCreate: number;
  wouldGrant: number;
  rejected: number;
  ignoredColumns: string[];
  /** Global position of the last append (for X-Min-Position), or null. */
  position: number | null;
  results: UserImportRowResult[];
}

export interface UserImportOptions {
  actor: Actor;
  correlationId: string;
  format?: RegistryFileFormat;
  dryRun?: boolean;
  maxRows?: number;
  onProgress?: (phase: 'check' | 'write', done: number, total: number) => void;
}

type Plan =
  | { kind: 'create'; candidate: Required<Pick<UserImportCandidate, 'username' | 'displayName' | 'grant'>> & UserImportCandidate; userId: string; organization?: OrganizationScope | null }
  | { kind: 'grant'; candidate: UserImportCandidate & { grant: GrantSpec }; userId: string; organization?: OrganizationScope | null };

const rowError = (error: unknown): UserImportError => {
  if (error instanceof DomainError) return { ...(typeof error.details?.field === 'string' ? { field: error.details.field } : {}), kind: error.kind, message: error.message };
  throw error;
};

const sameGrant = (a: GrantSpec, b: GrantSpec) => a.role === b.role && (a.scope ?? undefined) === (b.scope ?? undefined) && (a.organizationId ?? undefined) === (b.organizationId ?? undefined);

/** Who may import users: whoever may create users through POST /api/users (the rules apply again to each row). */
export const mayImportUsers = (actor: Actor) => ['admin', 'system', 'bureau'].includes(actor.role) || administersOrganization(actor);

/**
 * Bulk onboarding (a county's coordinators, from a list): every row checked first with the user
 * decider's own rules for this caller (who may create which user with which grant), duplicates in
 * the file and what the user streams already hold; then each row is one append of its own (the
 * user and the grant together, or the grant alone), so a refused row writes nothing and a re-run
 * appends nothing for rows already done.
 */
@Injectable()
export class UserImportService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly organizations: OrganizationScopes,
    private readonly hasher: PasswordHasher,
  ) {}

  async import(content: Buffer, options: UserImportOptions): Promise<UserImportReport> {
    const { actor } = options;
    if (!mayImportUsers(actor)) throw forbidden(`角色 ${actor.role} 不能创建用户 (role ${actor.role} may not create users)`);
    const format = options.format ?? sniffFormat(content);
    const sheet = await readRegistryFile(content, format, options.maxRows);
    const columns = mapUserColumns(sheet.header);
    const candidates = sheet.rows.map((r) => userCandidateFromRow(r, columns));
    const results: UserImportRowResult[] = [];
    const plans: Plan[] = [];
    const seen = new Map<string, number>();
    const organizations = new Map<string, Promise<OrganizationScope | null>>();
    const now = new Date();
    for (const [index, candidate] of candidates.entries()) {
      const outcome = await this.check(candidate, actor, now, seen, organizations);
      if ('kind' in outcome) plans.push(outcome);
      else results.push(outcome);
      options.onProgress?.('check', index + 1, candidates.length);
    }

    let position: number | null = null;
    if (options.dryRun) {
      for (const plan of plans) results.push(this.result(plan, plan.kind === 'create' ? 'would_create' : 'would_grant'));
    } else {
      let done = 0;
      // Hashing runs in parallel on the hashing pool; the appends go to the store as they come.
      const width = Math.max(2, this.hasher.limits.concurrency * 2);
      for (let i = 0; i < plans.length; i += width) {
        const batch = await Promise.all(plans.slice(i, i + width).map((plan) => this.write(plan, actor, options.correlationId)));
        for (const { result, position: at } of batch) {
          results.push(result);
          if (at !== undefined) position = Math.max(position ?? 0, at);
        }
        done += batch.length;
        options.onProgress?.('write', done, plans.length);
      }
    }
    results.sort((a, b) => a.row - b.row);
    const count = (status: UserImportStatus) => results.filter((r) => r.status === status).length;
    return {
      format,
      dryRun: options.dryRun ?? false,
      rows: candidates.length,
      created: count('created'),
      granted: count('granted'),
      unchanged: count('unchanged'),
      wouldCreate: count('would_create'),
      wouldGrant: count('would_grant'),
      rejected: count('rejected'),
      ignoredColumns: columns.ignored,
      position,
      results,
    };
  }

  private result(plan: Plan, status: UserImportStatus, extra: Partial<UserImportRowResult> = {}): UserImportRowResult {
    const c = plan.candidate;
    return { row: c.row, status, message: STATUS_TEXT[status], username: c.username, userId: plan.userId, displayName: c.displayName, grant: c.grant, ...extra };
  }

  private async check(
    candidate: UserImportCandidate,
    actor: Actor,
    now: Date,
    seen: Map<string, number>,
    organizations: Map<string, Promise<OrganizationScope | null>>,
  ): Promise<Plan | UserImportRowResult> {
    const { row, username, displayName, grant } = candidate;
    const reject = (...errors: UserImportError[]): UserImportRowResult => ({
      row,
      status: 'rejected',
      message: STATUS_TEXT.rejected,
      ...(username ? { username } : {}),
      ...(displayName ? { displayName } : {}),
      ...(grant ? { grant } : {}),
      errors,
    });
    const duplicates: UserImportError[] = [];
    if (username) {
      const first = seen.get(username);
      if (first !== undefined) duplicates.push({ field: 'username', kind: 'conflict', message: `与第 ${first} 行的用户名重复：${username} (duplicates the username of row ${first})` });
      else seen.set(username, row);
    }
    if (candidate.errors.length || !username || !displayName || !grant) return reject(...candidate.errors, ...duplicates);
    if (duplicates.length) return reject(...duplicates);

    const userId = userIdFor(username);
    let organization: OrganizationScope | null | undefined;
    if (isOrganizationGrant(grant)) {
      const id = grant.organizationId!;
      if (!organizations.has(id)) organizations.set(id, this.organizations.of(id));
      organization = await organizations.get(id);
    }
    const state = foldRecorded(userDecider, await this.store.readStream(userStream(userId)));
    if (!state.exists) {
      // The decider's own checks for this caller, on a placeholder hash: who may create which user with which grant.
      const command: UserCommand = {
        type: 'RegisterUser', userId, username, displayName, passwordHash: '$argon2id$check', externalSubject: null,
        initialGrant: { grantId: 'g-check', grant }, organization, mustChangePassword: true, ...(candidate.phone ? { phone: candidate.phone } : {}),
      };
      try {
        userDecider.decide(command, state, { actor, now });
      } catch (error) {
        return reject(rowError(error));
      }
      return { kind: 'create', candidate: { ...candidate, username, displayName, grant }, userId, organization };
    }
    if (state.displayName !== displayName) {
      return reject({
        field: 'username',
        kind: 'conflict',
        message: `用户名 ${username} 已被 “${state.displayName}” 使用 (username ${username} is taken by '${state.displayName}')`,
      });
    }
    if (activeGrants(state).some((g) => sameGrant(g, grant))) return { row, status: 'unchanged', message: STATUS_TEXT.unchanged, username, userId, displayName, grant };
    try {
      userDecider.decide({ type: 'GiveGrant', grantId: 'g-check', grant, organization }, state, { actor, now });
    } catch (error) {
      return reject(rowError(error));
    }
    return { kind: 'grant', candidate: { ...candidate, grant }, userId, organization };
  }

  /** One row's append: the user with the grant, or the grant alone; a refusal writes nothing for the row. */
  private async write(plan: Plan, actor: Actor, correlationId: string): Promise<{ result: UserImportRowResult; position?: number }> {
    const commandId = randomUUID();
    const context = { actor, commandId, correlationId };
    const execute = (command: UserCommand) => executeCommand(this.store, userStream(plan.userId), userDecider, { ...context, command });
    try {
      if (plan.kind === 'grant') {
        const done = await execute({ type: 'GiveGrant', grantId: `g-${commandId}`, grant: plan.candidate.grant, organization: plan.organization });
        return { result: this.result(plan, done.events.length ? 'granted' : 'unchanged'), position: done.position };
      }
      const { candidate } = plan;
      const secret = oneTimePassword();
      // Logins come first: while the hashing queue is full, the import waits its turn instead of failing rows.
      const passwordHash = await retry(() => this.hasher.hashOneTime(secret), {
        attempts: 20,
        minDelayMs: 200,
        maxDelayMs: 2_000,
        shouldRetry: (error) => error instanceof PasswordHashingSaturated,
      });
      const done = await execute({
        type: 'RegisterUser',
        userId: plan.userId,
        username: candidate.username,
        displayName: candidate.displayName,
        passwordHash,
        externalSubject: null,
        initialGrant: { grantId: `g-${commandId}`, grant: candidate.grant },
        organization: plan.organization,
        mustChangePassword: true,
        ...(candidate.phone ? { phone: candidate.phone } : {}),
      });
      return { result: this.result(plan, 'created', { oneTimePassword: secret }), position: done.position };
    } catch (error) {
      return { result: { ...this.result(plan, 'rejected'), errors: [rowError(error)] } };
    }
  }
}
