import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { catchError, Observable, throwError } from 'rxjs';

/**
 * Refusals that know when to come back (a saturated password hashing queue: 503; an account in
 * its back-off pause: 429) carry `retryAfterSeconds`; this puts it in the Retry-After header of
 * the problem the error becomes.
 */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const seconds = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
        if (typeof seconds === 'number' && Number.isFinite(seconds) && context.getType() === 'http') {
          const response = context.switchToHttp().getResponse<Response>();
          if (!response.headersSent) response.setHeader('Retry-After', String(Math.max(1, Math.ceil(seconds))));
        }
        return throwError(() => error);
      }),
    );
  }
}
