import { ConflictException, Injectable, NestMiddleware, UnprocessableEntityException, BadRequestException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { NextFunction, Response } from 'express';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import { sendProblem, toProblem } from './problem.filter';
import { RequestWithActor } from './command-context';
import { withWriteLock } from '../write-lock';

const COMMAND_ID_NAMESPACE = 'b3f8e2a1-4c5d-5e6f-8a9b-0c1d2e3f4a5b';
const KEY_PATTERN = /^[A-Za-z0-9._:-]{8,200}$/;

/** The first response to a POST with an Idempotency-Key, kept to answer retries of it. */
@Entity('idempotency_keys')
export class IdempotencyRecord {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  scopeKey: string;

  @Column({ type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ type: 'boolean', default: false })
  completed: boolean;

  @Column({ type: 'integer', nullable: true })
  status: number | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  contentType: string | null;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ type: 'varchar', length: 40 })
  createdAt: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * `Idempotency-Key` on POST: the first request runs; a retry with the same key (same caller, same
 * request) gets the first response back, marked `Idempotent-Replayed: true`, and appends nothing.
 * The key also fixes the command id, from which event ids derive, so a retry that arrives after a
 * crash between append and answer is still a no-op in the event store.
 */
@Injectable()
export class IdempotencyMiddleware implements NestMiddleware {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async use(request: RequestWithActor, response: Response, next: NextFunction): Promise<void> {
    const key = request.header('idempotency-key');
    if (request.method !== 'POST' || key === undefined) return next();
    // A malformed key (too short, too long, other characters) is refused for every caller.
    if (!KEY_PATTERN.test(key)) {
      return sendProblem(
        response,
        toProblem(new BadRequestException('Idempotency-Key 须为 8-200 个字母、数字或 ._:- (Idempotency-Key must be 8-200 letters, digits or ._:-)'), request.originalUrl),
      );
    }
    // Keys are kept per verified caller: without a login there is nothing to replay (the route
    // itself then answers 401).
    if (!request.actor) return next();
    try {
      const repository = this.dataSource.getRepository(IdempotencyRecord);
      const scopeKey = sha256(`${request.actor.id}\n${key}`);
      const requestHash = sha256(`${request.method} ${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`);
      const existing = await repository.findOneBy({ scopeKey });
      if (existing) {
        if (existing.requestHash !== requestHash) {
          throw new UnprocessableEntityException('此 Idempotency-Key 已用于另一个请求 (Idempotency-Key was already used for a different request)');
        }
        if (!existing.completed) {
          throw new ConflictException('同一请求正在处理中 (a request with this Idempotency-Key is still in progress); retry shortly');
        }
        response.setHeader('Idempotent-Replayed', 'true');
        response.status(existing.status ?? 200);
        if (existing.contentType) response.type(existing.contentType);
        response.send(existing.body ?? '');
        return;
      }
      try {
        await withWriteLock(this.dataSource, () => repository.insert({ scopeKey, requestHash, completed: false, status: null, contentType: null, body: null, createdAt: new Date().toISOString() }));
      } catch {
        throw new ConflictException('同一请求正在处理中 (a request with this Idempotency-Key is still in progress); retry shortly');
      }
      request.commandId = uuidv5(scopeKey, COMMAND_ID_NAMESPACE);
      const send = response.send.bind(response);
      let captured = false;
      response.send = (body?: unknown) => {
        if (!captured) {
          captured = true;
          const status = response.statusCode;
          const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? '');
          const contentType = String(response.getHeader('content-type') ?? 'application/json');
          const done = withWriteLock(this.dataSource, () =>
            status >= 500
              ? repository.delete({ scopeKey })
              : repository.update({ scopeKey }, { completed: true, status, contentType, body: text }),
          );
          done.catch(() => undefined);
        }
        return send(body);
      };
      next();
    } catch (error) {
      sendProblem(response, toProblem(error, request.originalUrl));
    }
  }
}

/** The OpenAPI description of the Idempotency-Key header every command route honours. */
export const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Retries with the same key return the first result and append nothing' };
