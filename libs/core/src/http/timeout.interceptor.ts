import { CallHandler, ExecutionContext, Injectable, NestInterceptor, ServiceUnavailableException } from '@nestjs/common';
import { catchError, Observable, throwError, timeout, TimeoutError } from 'rxjs';

/**
 * Answers 503 (problem+json) when a route has not answered within `ms`; the server's own
 * socket timeouts (set by configureHttpApp) cut off clients that send too slowly.
 */
@Injectable()
export class TimeoutInterceptor implements NestInterceptor {
  constructor(private readonly ms: number) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      timeout(this.ms),
      catchError((error) =>
        throwError(() => (error instanceof TimeoutError ? new ServiceUnavailableException(`请求超时 (the request took longer than ${this.ms} ms); retry with the same Idempotency-Key`) : error)),
      ),
    );
  }
}
