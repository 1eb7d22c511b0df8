import { CanActivate, ExecutionContext, ForbiddenException, Injectable, NestMiddleware, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, BEFORE_PASSWORD_CHANGE, IS_PUBLIC, RequestWithActor, SIGN_IN_FIRST } from '@shecun/core';
import type { NextFunction, Response } from 'express';
import { DataSource, IsNull } from 'typeorm';
import { GrantView, SessionView, UserView } from './identity.projection';
import { TokenService } from './token.service';

const GRANT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export const actorFromGrant = (userId: string, grant: Pick<GrantView, 'role' | 'scope' | 'organizationId'> & { organizationAdmin?: boolean }): Actor => ({
  id: userId,
  role: grant.role as Actor['role'],
  ...(grant.organizationId ? { organizationId: grant.organizationId } : {}),
  ...(grant.organizationAdmin ? { organizationAdmin: true } : {}),
  ...(grant.scope ? { scope: grant.scope } : {}),
});

/**
 * Turns a bearer token into the acting user: the token must verify (signature, issuer, audience,
 * expiry), and the grant it names must still be active in the grants read model — so a revoked
 * grant stops working at once, not when the token expires. Tokens of an external identity provider
 * name a user by its subject; such a user acts under X-Grant-Id or their only active grant.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokenService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async authenticate(authorization: string, requestedGrant?: string): Promise<{ actor: Actor; grantId: string; sessionId?: string; passwordChangeRequired?: boolean }> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization.trim());
    if (!match) throw new UnauthorizedException('Authorization 头格式应为 Bearer <token> (Authorization must be "Bearer <token>")');
    const token = await this.tokens.verify(match[1]);
    const grants = this.dataSource.getRepository(GrantView);
    if (!token.external) {
      // The grant must be active, the session not ended, and the user's credentials unchanged since
      // the token was issued. A session or user the read model does not hold yet (it was just made)
      // passes: what ends a token is recorded, never its absence.
      const [grant, user, session] = await Promise.all([
        grants.findOneBy({ id: token.gid!, userId: token.sub }),
        this.dataSource.getRepository(UserView).findOne({ select: { id: true, sessionVersion: true }, where: { id: token.sub } }),
        this.dataSource.getRepository(SessionView).findOne({ select: { id: true, userId: true, endedAt: true }, where: { id: token.sid! } }),
      ]);
      if (!grant) throw new UnauthorizedException('授权不存在 (the grant in this token does not exist)');
      if (grant.revokedAt) throw new UnauthorizedException('授权已被撤销，请重新登录 (the grant in this token was revoked)');
      if (user && user.sessionVersion > token.sv!) {
        throw new UnauthorizedException('密码已修改或已结束全部会话，请重新登录 (the password changed or every session was ended: sign in again)');
      }
      if (session && (session.endedAt || session.userId !== token.sub)) throw new UnauthorizedException('会话已结束，请重新登录 (the session has ended: sign in again)');
      return { actor: actorFromGrant(token.sub, grant), grantId: grant.id, sessionId: token.sid, passwordChangeRequired: token.pwc };
    }
    const user = await this.dataSource.getRepository(UserView).findOneBy({ externalSubject: `${token.iss}|${token.sub}` });
    if (!user) throw new UnauthorizedException('此外部身份尚未开通账号 (no user is linked to this external identity)');
    const active = await grants.findBy({ userId: user.id, revokedAt: IsNull() });
    if (requestedGrant !== undefined && !GRANT_ID.test(requestedGrant)) throw new UnauthorizedException('X-Grant-Id 格式无效 (malformed X-Grant-Id)');
    const grant = requestedGrant ? active.find((g) => g.id === requestedGrant) : active.length === 1 ? active[0] : undefined;
    if (!grant) {
      throw new UnauthorizedException(
        active.length === 0 ? '此账号没有有效授权 (this user holds no active grant)' : '请用 X-Grant-Id 指定授权 (choose a grant with X-Grant-Id)',
      );
    }
    return { actor: actorFromGrant(user.id, grant), grantId: grant.id };
  }
}

/**
 * Runs before every route (and before idempotency, which keys retries per verified user): a
 * presented token is verified here and the actor put on the request; a refused token is noted
 * for the guard. Requests without a token pass on unauthenticated.
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  constructor(private readonly authenticator: Authenticator) {}

  async use(request: RequestWithActor, _response: Response, next: NextFunction): Promise<void> {
    request.actor = undefined;
    request.sessionId = undefined;
    request.passwordChangeRequired = undefined;
    const authorization = request.header('authorization');
    if (authorization !== undefined) {
      try {
        const { actor, grantId, sessionId, passwordChangeRequired } = await this.authenticator.authenticate(authorization, request.header('x-grant-id'));
        request.actor = actor;
        request.grantId = grantId;
        request.sessionId = sessionId;
        request.passwordChangeRequired = passwordChangeRequired;
      } catch (error) {
        request.authError = error instanceof UnauthorizedException ? error.message : SIGN_IN_FIRST;
      }
    }
    next();
  }
}

/** Every route needs a verified caller unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    if (!request.actor) throw new UnauthorizedException(request.authError ?? SIGN_IN_FIRST);
    if (request.passwordChangeRequired && !this.reflector.getAllAndOverride<boolean>(BEFORE_PASSWORD_CHANGE, [context.getHandler(), context.getClass()])) {
      throw new ForbiddenException(
        `请先修改初始密码 (change your one-time password first: POST /api/users/${request.actor.id}/password with currentPassword and newPassword, then sign in again)`,
      );
    }
    return true;
  }
}
