import { CallHandler, ExecutionContext, Injectable, NestInterceptor, ServiceUnavailableException, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, Observable, throwError, timeout, TimeoutError } from 'rxjs';

const STREAMING = 'shecun:streaming';

/**
 * Marks a route that answers with a long-lived stream (Server-Sent Events): the request timeout
 * does not apply to it, since a stream may rightly stay quiet for longer than any answer may take.
 */
export const Streaming = () => SetMetadata(STREAMING, true);

/**
 * Answers 503 (problem+json) when a route has not answered within `ms`; the server's own
 * socket timeouts (set by configureHttpApp) cut off clients that send too slowly. Routes marked
 * `@Streaming()` are left alone.
 */
@Injectable()
export class TimeoutInterceptor implements NestInterceptor {
  private readonly reflector = new Reflector();

  constructor(private readonly ms: number) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (typeof context.getHandler === 'function' && this.reflector.get<boolean>(STREAMING, context.getHandler())) return next.handle();
    return next.handle().pipe(
      timeout(this.ms),
      catchError((error) =>
        throwError(() => (error instanceof TimeoutError ? new ServiceUnavailableException(`请求超时 (the request took longer than ${this.ms} ms); retry with the same Idempotency-Key`) : error)),
      ),
    );
  }
}
