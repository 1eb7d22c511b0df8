import { BadRequestException, CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, Observable, switchMap, tap } from 'rxjs';
import { pause } from '@shecun/resilience';

/**
 * Where the read models of this process are in the event log. Embedded: the projection runners'
 * checkpoints; distributed gateway: which projector feeds have recorded the event as processed.
 */
export interface ReadPosition {
  /** Names of the read models that have not applied the event at `position` yet ([] when all have). */
  pending(position: number): Promise<string[]>;
  /**
   * Optionally, calls `listener` whenever the read models may have applied `position` (a projector
   * committed it), so that a waiting read looks again at once instead of at its next poll; returns
   * the unsubscribe, or undefined when it has no notices to give.
   */
  onChange?(position: number, listener: () => void): (() => void) | undefined;
}

export const READ_POSITION = Symbol('READ_POSITION');

/** The request header a read sends back: the `position` (or `X-Position`) a command answered. */
export const MIN_POSITION_HEADER = {
  name: 'X-Min-Position',
  required: false,
  description:
    'Read your writes: the position a command answered. The read waits (up to READ_YOUR_WRITES_TIMEOUT_MS, 5 s by default) until the read models have applied it, then answers X-Consistency: reached, or stale with X-Consistency-Pending (the read models still behind) and X-Consistency-Waited-Ms',
};

const POSITION = /^\d{1,15}$/;

/**
 * The one read-your-writes mechanism, in every topology and for every route:
 * - a command's answer carries the position it was written at, in the body (`position`) and as
 *   the `X-Position` header;
 * - a read (GET) that sends `X-Min-Position` waits until this process's read models have applied
 *   that position, but never past its deadline; it then answers with what it has, saying which:
 *   `X-Consistency: reached`, or `stale` with `X-Consistency-Pending` and `X-Consistency-Waited-Ms`.
 * A malformed position is a 400; where nothing can tell the read position the header is ignored
 * (`X-Consistency: unknown`).
 */
export class ReadYourWritesInterceptor implements NestInterceptor {
  constructor(
    private readonly readPosition: ReadPosition | undefined,
    private readonly options: { timeoutMs: number; pollMs?: number; maxPollMs?: number },
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return next.handle().pipe(
        tap((body) => {
          const position = (body as { position?: unknown } | undefined)?.position;
          if (typeof position === 'number' && Number.isSafeInteger(position) && !response.headersSent) response.setHeader('X-Position', String(position));
        }),
      );
    }
    const raw = request.header('x-min-position');
    if (raw === undefined) return next.handle();
    if (!POSITION.test(raw.trim())) throw new BadRequestException('X-Min-Position 须为命令返回的位置（非负整数） (X-Min-Position must be a position a command answered: a whole number)');
    return from(this.waitForPosition(Number(raw.trim()), response)).pipe(switchMap(() => next.handle()));
  }

  private async waitForPosition(position: number, response: Response): Promise<void> {
    if (!this.readPosition) {
      response.setHeader('X-Consistency', 'unknown');
      return;
    }
    const readPosition = this.readPosition;
    const started = Date.now();
    let pending: string[] = [];
    let gone = false;
    // Woken by the read models' change notices where there are any (looking again at once, and
    // again if one came while looking); the polling with back-off is then only a fallback.
    let changed = false;
    let woken = new AbortController();
    const unsubscribe = readPosition.onChange?.(position, () => {
      changed = true;
      woken.abort();
    });
    const deadline = started + this.options.timeoutMs;
    let interval = this.options.pollMs ?? 5;
    // Polling is only the fallback where notices wake the wait (a lost notice connection wakes every
    // wait when it is back): then at most once a second, else up to every 100 ms.
    const maxPollMs = this.options.maxPollMs ?? (unsubscribe ? 1000 : 100);
    let reached = false;
    try {
      for (;;) {
        changed = false;
        // Answered meanwhile (the request timed out) or the client left: stop waiting.
        gone = response.headersSent || response.writableEnded || response.destroyed;
        if (gone) break;
        pending = await readPosition.pending(position);
        gone = response.headersSent;
        if (gone || pending.length === 0) {
          reached = !gone;
          break;
        }
        const left = deadline - Date.now();
        if (left <= 0) break;
        if (!changed) {
          woken = new AbortController();
          await pause(Math.min(interval, left), woken.signal);
        }
        interval = Math.min(interval * 2, maxPollMs);
      }
    } finally {
      unsubscribe?.();
    }
    if (gone) return;
    if (reached) {
      response.setHeader('X-Consistency', 'reached');
      return;
    }
    response.setHeader('X-Consistency', 'stale');
    response.setHeader('X-Consistency-Pending', pending.join(','));
    response.setHeader('X-Consistency-Waited-Ms', String(Date.now() - started));
  }
}
