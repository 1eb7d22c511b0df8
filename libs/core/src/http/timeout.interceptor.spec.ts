import { ExecutionContext, ServiceUnavailableException } from '@nestjs/common';
import { firstValueFrom, of, delay, throwError } from 'rxjs';
import { Streaming, TimeoutInterceptor } from './timeout.interceptor';

describe('TimeoutInterceptor', () => {
  const context = {} as ExecutionContext;

  it('passes an answer that comes in time', async () => {
    const answer = await firstValueFrom(new TimeoutInterceptor(200).intercept(context, { handle: () => of('ok').pipe(delay(5)) }));
    expect(answer).toBe('ok');
  });

  it('turns a route that takes too long into 503 Service Unavailable', async () => {
    const late = firstValueFrom(new TimeoutInterceptor(20).intercept(context, { handle: () => of('late').pipe(delay(500)) }));
    await expect(late).rejects.toBeInstanceOf(ServiceUnavailableException);
    await expect(late).rejects.toThrow(/longer than 20 ms/);
  });

  it('leaves the route’s own errors as they are', async () => {
    const failing = firstValueFrom(new TimeoutInterceptor(200).intercept(context, { handle: () => throwError(() => new RangeError('boom')) }));
    await expect(failing).rejects.toBeInstanceOf(RangeError);
  });

  it('leaves a streaming route open past the timeout', async () => {
    class Stream {
      @Streaming()
      events() {
        return undefined;
      }
      answer() {
        return undefined;
      }
    }
    const on = (handler: () => unknown) => ({ getHandler: () => handler }) as unknown as ExecutionContext;
    const quiet = firstValueFrom(new TimeoutInterceptor(20).intercept(on(Stream.prototype.events), { handle: () => of('after a quiet while').pipe(delay(200)) }));
    await expect(quiet).resolves.toBe('after a quiet while');
    const late = firstValueFrom(new TimeoutInterceptor(20).intercept(on(Stream.prototype.answer), { handle: () => of('late').pipe(delay(200)) }));
    await expect(late).rejects.toBeInstanceOf(ServiceUnavailableException);
  });
});
