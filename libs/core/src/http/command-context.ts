import { createParamDecorator, ExecutionContext, UnauthorizedException, BadRequestException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { Actor, isRole, ROLES } from '../actor';

export interface CommandContext {
  actor: Actor;
  commandId: string;
  correlationId: string;
}

const SAFE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Set by the idempotency interceptor: the command id derived from the Idempotency-Key. */
export interface RequestWithCommand extends Request {
  commandId?: string;
}

export function actorFromRequest(request: Request): Actor {
  const id = request.header('x-actor-id');
  const role = request.header('x-actor-role');
  const organizationId = request.header('x-actor-org');
  const scope = request.header('x-actor-scope');
  if (!id || !role) {
    throw new UnauthorizedException('缺少操作人 (missing actor): send X-Actor-Id and X-Actor-Role headers');
  }
  if (!SAFE_ID.test(id)) throw new BadRequestException('X-Actor-Id must be 1-128 letters, digits or ._:@-');
  if (!isRole(role)) throw new BadRequestException(`X-Actor-Role must be one of ${ROLES.join(', ')}`);
  if (organizationId !== undefined && !SAFE_ID.test(organizationId)) {
    throw new BadRequestException('X-Actor-Org must be 1-128 letters, digits or ._:@-');
  }
  if (scope !== undefined && !/^\d{2,12}$/.test(scope)) throw new BadRequestException('X-Actor-Scope must be a division code prefix of 2-12 digits');
  return { id, role, ...(organizationId ? { organizationId } : {}), ...(scope ? { scope } : {}) };
}

/**
 * Who issues the command (interim: from X-Actor-* headers), the command id (derived from the
 * Idempotency-Key when one is sent) and the correlation id (X-Correlation-Id or a new one).
 */
export const Command = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const request = ctx.switchToHttp().getRequest<RequestWithCommand>();
  const correlation = request.header('x-correlation-id');
  if (correlation !== undefined && !SAFE_ID.test(correlation)) {
    throw new BadRequestException('X-Correlation-Id must be 1-128 letters, digits or ._:@-');
  }
  return {
    actor: actorFromRequest(request),
    commandId: request.commandId ?? randomUUID(),
    correlationId: correlation ?? randomUUID(),
  };
});
