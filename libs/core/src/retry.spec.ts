import { backoffDelay, retry } from './retry';

/** A call that fails `failures` times with `error`, then answers 'done'; records its call numbers. */
function flaky(failures: number, error = new Error('down')) {
  const calls: number[] = [];
  const work = async (attempt: number) => {
    calls.push(attempt);
    if (calls.length <= failures) throw error;
    return 'done';
  };
  return { work, calls };
}

describe('retry', () => {
  it('given a call that fails twice, when retried with 5 attempts, then the third call answers', async () => {
    const { work, calls } = flaky(2);
    await expect(retry(work, { attempts: 5, minDelayMs: 1 })).resolves.toBe('done');
    expect(calls).toEqual([1, 2, 3]);
  });

  it('given a call that keeps failing, when the attempts are spent, then it rejects with the last error', async () => {
    const { work, calls } = flaky(10, new Error('still down'));
    await expect(retry(work, { attempts: 3, minDelayMs: 1 })).rejects.toThrow('still down');
    expect(calls).toEqual([1, 2, 3]);
  });

  it('given shouldRetry refusing an error, when the call fails with it, then it is not called again', async () => {
    const { work, calls } = flaky(10, new TypeError('bad input'));
    const seen: number[] = [];
    await expect(retry(work, { attempts: 10, minDelayMs: 1, shouldRetry: (e, failures) => (seen.push(failures), !(e instanceof TypeError)) })).rejects.toThrow('bad input');
    expect(calls).toEqual([1]);
    expect(seen).toEqual([1]);
  });

  it('given unlimited attempts, when shouldRetry decides, then it counts the failures so far', async () => {
    const { work, calls } = flaky(100);
    await expect(retry(work, { attempts: Infinity, minDelayMs: 1, maxDelayMs: 1, shouldRetry: (_e, failures) => failures < 7 })).rejects.toThrow('down');
    expect(calls).toHaveLength(7);
  });

  it('given the default back-off, then pauses double from the minimum up to the cap', () => {
    expect([0, 1, 2, 3, 10, 1000].map((n) => backoffDelay(n, { minDelayMs: 100, maxDelayMs: 2000 }))).toEqual([100, 200, 400, 800, 2000, 2000]);
  });

  it('given delays, when it retries, then it waits between calls', async () => {
    const { work } = flaky(2);
    const started = Date.now();
    await retry(work, { minDelayMs: 40, maxDelayMs: 1000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(40 + 80 - 10);
  });
});
