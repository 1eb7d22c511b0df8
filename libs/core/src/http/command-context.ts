import { BadRequestException, createParamDecorator, ExecutionContext, HttpException, HttpStatus, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { Actor } from '../actor';

export interface CommandContext {
  actor: Actor;
  commandId: string;
  correlationId: string;
  /** The revision a person decided on (If-Match); see {@link IfMatch}. */
  expectedRevision?: number;
}

const SAFE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** A request as the HTTP pipeline fills it in. */
export interface RequestWithActor extends Request {
  /** Set by the authentication middleware from a verified bearer token; never from plain headers. */
  actor?: Actor;
  /** The grant the actor acts under. */
  grantId?: string;
  /** The sign-in session of the bearer token (our own tokens). */
  sessionId?: string;
  /** The token was issued for a one-time password: only routes marked @BeforePasswordChange() answer. */
  passwordChangeRequired?: boolean;
  /** Why a presented token was refused (reported by the guard on routes that need a login). */
  authError?: string;
  /** Set by the idempotency middleware: the command id derived from the Idempotency-Key. */
  commandId?: string;
  /** The request's correlation id, once {@link correlationIdOf} settled it. */
  correlationId?: string;
}

/**
 * The correlation id of a request: its X-Correlation-Id, or a new one made on the first ask and
 * kept on the request (the request's log line, the command's events and a forwarded command all
 * carry the same). A malformed header is refused (400).
 */
export function correlationIdOf(request: RequestWithActor): string {
  if (request.correlationId) return request.correlationId;
  const given = request.header('x-correlation-id');
  if (given !== undefined && !SAFE_ID.test(given)) {
    throw new BadRequestException('X-Correlation-Id must be 1-128 letters, digits or ._:@-');
  }
  request.correlationId = given ?? randomUUID();
  return request.correlationId;
}

export const IS_PUBLIC = 'shecun:public';

/** Marks a route (or controller) as open without login: reference data, login, public disclosure. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const BEFORE_PASSWORD_CHANGE = 'shecun:before-password-change';

/** Marks a route a user signed in with a one-time password may use (changing it, who am I, logout). */
export const BeforePasswordChange = () => SetMetadata(BEFORE_PASSWORD_CHANGE, true);

export const SIGN_IN_FIRST = '需要登录 (sign in first: send Authorization: Bearer <token>)';

export function actorOf(request: RequestWithActor): Actor {
  if (!request.actor) throw new UnauthorizedException(request.authError ?? SIGN_IN_FIRST);
  return request.actor;
}

/** The verified caller of a query route. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => actorOf(ctx.switchToHttp().getRequest<RequestWithActor>()));

/**
 * Who issues the command (from the verified token), the command id (derived from the
 * Idempotency-Key when one is sent) and the correlation id (X-Correlation-Id or a new one).
 */
export const Command = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const request = ctx.switchToHttp().getRequest<RequestWithActor>();
  const correlationId = correlationIdOf(request);
  return {
    actor: actorOf(request),
    commandId: request.commandId ?? randomUUID(),
    correlationId,
  };
});

/** The entity tag of a resource at a stream revision (strong: the revision is the whole state). */
export const etagOf = (revision: number) => `"${revision}"`;

const ETAG = /^"(-1|\d{1,15})"$/;

/**
 * The stream revision named by If-Match, for commands that people decide on what they saw
 * (editing a need): `"<revision>"` as the resource's ETag gave it. Absent: 428 when `required`,
 * else undefined (and for `*`); malformed or weak (`W/`): 400. A revision the stream has moved
 * past is answered 412 by the executor.
 */
export const IfMatch = createParamDecorator((options: { required?: boolean } | undefined, ctx: ExecutionContext): number | undefined => {
  const header = ctx.switchToHttp().getRequest<Request>().header('if-match')?.trim();
  if (header === undefined || header === '') {
    if (!options?.required) return undefined;
    throw new HttpException(
      '需要 If-Match 请求头：请带上读取时得到的 ETag，以免覆盖他人的修改 (If-Match required: send the ETag you read, so that nobody\'s change is overwritten)',
      HttpStatus.PRECONDITION_REQUIRED,
    );
  }
  if (header === '*') return undefined;
  const match = ETAG.exec(header);
  if (!match) throw new BadRequestException('If-Match 格式不对 (If-Match must be one strong ETag as the resource gave it, e.g. "3")');
  return Number(match[1]);
});
