import { backoffDelay, pause, retry, waitFor } from './retry';

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

describe('waitFor', () => {
  /** A condition that holds from its `holdsFrom`-th check on; records when each check ran. */
  function becomesTrue(holdsFrom: number) {
    const checks: number[] = [];
    const started = Date.now();
    return { checks, condition: async () => checks.push(Date.now() - started) >= holdsFrom };
  }

  it('given a condition that holds at the third check, then it resolves true after two pauses', async () => {
    const { checks, condition } = becomesTrue(3);
    await expect(waitFor(condition, { timeoutMs: 1000, intervalMs: 5 })).resolves.toBe(true);
    expect(checks).toHaveLength(3);
  });

  it('given a condition that never holds, then it resolves false at the deadline, having checked a last time there', async () => {
    const { checks, condition } = becomesTrue(Infinity);
    const started = Date.now();
    await expect(waitFor(condition, { timeoutMs: 60, intervalMs: 10_000 })).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(checks).toHaveLength(2);
    expect(checks[1]).toBeGreaterThanOrEqual(59);
  });

  it('given a longest interval, then the pauses double up to it', async () => {
    const { checks, condition } = becomesTrue(5);
    await waitFor(condition, { timeoutMs: 5000, intervalMs: 20, maxIntervalMs: 50 });
    const pauses = checks.slice(1).map((at, i) => at - checks[i]);
    [20, 40, 50, 50].forEach((least, i) => expect(pauses[i]).toBeGreaterThanOrEqual(least - 2));
  });

  it('given an abort during a pause, then it resolves false at once', async () => {
    const stop = new AbortController();
    const { checks, condition } = becomesTrue(Infinity);
    setTimeout(() => stop.abort(), 20);
    const started = Date.now();
    await expect(waitFor(condition, { timeoutMs: Infinity, intervalMs: 10_000, signal: stop.signal })).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(checks).toHaveLength(1);
  });

  it('given a failing condition, then it rejects with its error', async () => {
    await expect(waitFor(() => Promise.reject(new Error('no database')), { timeoutMs: 1000, intervalMs: 1 })).rejects.toThrow('no database');
  });

  it('given an aborted signal, then pause resolves without waiting', async () => {
    const started = Date.now();
    await pause(10_000, AbortSignal.abort());
    expect(Date.now() - started).toBeLessThan(100);
  });
});
