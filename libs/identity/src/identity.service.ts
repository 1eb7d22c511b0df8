import { ForbiddenException, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, CommandContext, CommandResult, executeCommand, loginFailures, notFound, SYSTEM_ACTOR } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { DataSource, IsNull } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import { GrantSpec, isOrganizationGrant, normalizeUsername, OrganizationScope, userIdFor, userStream } from './identity.model';
import { OrganizationScopes } from './organization-scopes';
import { GrantView, UserView } from './identity.projection';
import { LoginAttempts, LoginOutcome } from './login-attempts';
import { PasswordHasher } from './password';
import { SessionService } from './session.service';
import { activeGrants, UserCommand, userDecider, UserState } from './user.decider';

export interface PresentedGrant {
  id: string;
  role: string;
  scope?: string;
  organizationId?: string;
  organizationAdmin?: boolean;
}

/** A grant as the API shows it, from the grants view or from a user's stream. */
export const presentGrant = (g: { id: string; role: string; scope?: string | null; organizationId?: string | null; organizationAdmin?: boolean }): PresentedGrant => ({
  id: g.id,
  role: g.role,
  ...(g.scope ? { scope: g.scope } : {}),
  ...(g.organizationId ? { organizationId: g.organizationId } : {}),
  ...(g.organizationAdmin ? { organizationAdmin: true } : {}),
});

const PROVISION_NAMESPACE = '9a7b6c5d-4e3f-5a2b-8c1d-0e9f8a7b6c5d';

const BAD_LOGIN = '用户名或密码错误 (wrong username or password)';

/** Users and grants: commands on user streams, login against the read model. */
@Injectable()
export class IdentityService {
  private readonly logger = new Logger('Identity');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionService,
    private readonly organizations: OrganizationScopes,
    private readonly hasher: PasswordHasher,
    private readonly attempts: LoginAttempts,
  ) {}

  execute(userId: string, command: UserCommand, context: CommandContext, at?: Date): Promise<CommandResult<UserState>> {
    return executeCommand(this.store, userStream(userId), userDecider, { ...context, command }, at ? { clock: () => at } : {});
  }

  /**
   * Creates a user, with an optional initial grant in the same append (the delegation rules apply
   * to it as to any grant given; organization admins must give one for their own organization).
   */
  async register(input: { username: string; displayName: string; password?: string; externalSubject?: string; grant?: GrantSpec }, context: CommandContext) {
    const userId = userIdFor(input.username);
    const passwordHash = input.password ? await this.hasher.hash(input.password) : null;
    const initialGrant = input.grant ? { grantId: `g-${context.commandId}`, grant: input.grant } : undefined;
    const organization = input.grant ? await this.organizationOf(input.grant) : undefined;
    return this.execute(
      userId,
      { type: 'RegisterUser', userId, username: input.username, displayName: input.displayName, passwordHash, externalSubject: input.externalSubject ?? null, initialGrant, organization },
      context,
    );
  }

  async giveGrant(userId: string, grant: GrantSpec, context: CommandContext) {
    return this.execute(userId, { type: 'GiveGrant', grantId: `g-${context.commandId}`, grant, organization: await this.organizationOf(grant) }, context);
  }

  async revokeGrant(userId: string, grantId: string, reason: string, context: CommandContext) {
    // The grant's organization, from the user's own stream (a grant's organization never changes).
    const given = (await this.store.readStream(userStream(userId))).find((e) => e.type === 'GrantGiven' && (e.data as { grantId?: string }).grantId === grantId);
    const grant = (given?.data as { grant?: GrantSpec } | undefined)?.grant;
    return this.execute(userId, { type: 'RevokeGrant', grantId, reason, organization: grant ? await this.organizationOf(grant) : undefined }, context);
  }

  /** Where the organization an organization / hub grant names is registered (null: unknown); undefined for other grants. */
  private async organizationOf(grant: GrantSpec): Promise<OrganizationScope | null | undefined> {
    return isOrganizationGrant(grant) ? this.organizations.of(grant.organizationId) : undefined;
  }

  async changePassword(userId: string, input: { currentPassword?: string; newPassword: string }, context: CommandContext) {
    if (context.actor.id === userId) {
      const user = await this.dataSource.getRepository(UserView).findOneBy({ id: userId });
      if (!(await this.hasher.verify(input.currentPassword ?? '', user?.passwordHash))) throw new ForbiddenException('当前密码不正确 (the current password is wrong)');
    }
    return this.execute(userId, { type: 'ChangePassword', passwordHash: await this.hasher.hash(input.newPassword) }, context);
  }

  /**
   * Checks the password and issues a token for one of the user's active grants. Wrong passwords
   * are counted per username (LoginAttempts): past the free ones, the account backs off (429).
   */
  async login(username: string, password: string, grantId?: string) {
    const name = normalizeUsername(username);
    this.attempts.begin(name);
    let outcome: LoginOutcome = 'abandoned';
    let user: UserView | null;
    let needsRehash = false;
    try {
      user = await this.dataSource.getRepository(UserView).findOneBy({ username: name });
      const check = await this.hasher.check(password, user?.passwordHash);
      if (!check.ok || !user) {
        outcome = 'failed';
        loginFailures.inc();
        throw new UnauthorizedException(BAD_LOGIN);
      }
      outcome = 'succeeded';
      needsRehash = check.needsRehash;
    } finally {
      this.attempts.end(name, outcome);
    }
    const grants = await this.activeGrants(user.id);
    if (grants.length === 0) throw new ForbiddenException('此账号没有有效授权 (this user holds no active grant)');
    const grant = grantId ? grants.find((g) => g.id === grantId) : grants[0];
    if (!grant) throw new ForbiddenException('没有这项有效授权 (no such active grant for this user)');
    const session = await this.sessions.start(user.id, grant);
    // A one-time password (cheaply hashed, about to be changed) is not worth rehashing.
    if (needsRehash && !session.passwordChangeRequired) this.rehash(user.id, password, user.passwordHash!);
    return {
      ...session,
      user: { id: user.id, username: user.username, displayName: user.displayName },
      grant: presentGrant(grant),
      grants: grants.map(presentGrant),
    };
  }

  /**
   * After a sign-in that verified a hash made with older parameters: the same password hashed
   * with the current ones, appended as PasswordRehashed (sessions go on). In the background and
   * only while no hash is waiting, so a crowd signing in is never slowed by it; a later sign-in
   * does it otherwise.
   */
  private rehash(userId: string, password: string, previousHash: string): void {
    if (this.hasher.load.waiting > 0) return;
    void (async () => {
      const passwordHash = await this.hasher.hash(password);
      const commandId = randomUUID();
      await this.execute(
        userId,
        { type: 'RehashPassword', passwordHash, previousHash, reason: 'argon2id parameters raised to m=19456 KiB, t=2, p=1' },
        { actor: SYSTEM_ACTOR, commandId, correlationId: commandId },
      );
    })().catch((error) => this.logger.warn(`rehashing the password of ${userId} failed, kept as it was: ${(error as Error).message}`));
  }

  activeGrants(userId: string): Promise<GrantView[]> {
    return this.dataSource.getRepository(GrantView).find({ where: { userId, revokedAt: IsNull() }, order: { givenAt: 'ASC', id: 'ASC' } });
  }

  async me(actor: Actor, grantId: string | undefined) {
    const user = await this.dataSource.getRepository(UserView).findOneBy({ id: actor.id });
    if (!user) throw notFound('用户不存在 (user not found)');
    const grants = await this.activeGrants(user.id);
    const grant = grants.find((g) => g.id === grantId);
    return { user: { id: user.id, username: user.username, displayName: user.displayName }, grant: grant ? presentGrant(grant) : null, grants: grants.map(presentGrant) };
  }

  /**
   * Makes sure a user exists with one grant, idempotently (command ids derive from `seed`): for the
   * demo accounts, the first admin and tests. Returns the user and grant ids and the last position
   * written (undefined when nothing was new).
   */
  async provision(
    account: { username: string; displayName: string; password?: string; passwordHash?: string; grant: GrantSpec },
    seed: string,
    actor: Actor = SYSTEM_ACTOR,
  ): Promise<{ userId: string; grantId: string; position?: number }> {
    const userId = userIdFor(account.username);
    const context = (step: string) => ({ actor, commandId: uuidv5(`${seed}/${step}`, PROVISION_NAMESPACE), correlationId: uuidv5(seed, PROVISION_NAMESPACE) });
    const existing = await this.store.readStream(userStream(userId));
    let position: number | undefined;
    if (existing.length === 0) {
      const passwordHash = account.passwordHash ?? (account.password ? await this.hasher.hash(account.password) : null);
      const registered = await this.execute(
        userId,
        { type: 'RegisterUser', userId, username: account.username, displayName: account.displayName, passwordHash, externalSubject: null },
        context('register'),
      );
      position = registered.position;
    }
    const grantId = `g-${uuidv5(`${seed}/grant`, PROVISION_NAMESPACE)}`;
    const granted = await this.execute(userId, { type: 'GiveGrant', grantId, grant: account.grant }, context('grant'));
    return { userId, grantId, position: granted.position ?? position };
  }

  /** A user's state straight from its stream (for the command result). */
  static present(state: UserState) {
    return { id: state.userId, username: state.username, displayName: state.displayName, grants: activeGrants(state).map(presentGrant) };
  }
}
