import { backOff } from 'exponential-backoff';

export interface RetryOptions {
  /** Calls in all, the first one included. Default 5; `Infinity` retries until `shouldRetry` says no. */
  attempts?: number;
  /** Pause before the first retry, doubled before each next one. Default 100 ms. */
  minDelayMs?: number;
  /** Longest pause between two calls. Default 5 s. */
  maxDelayMs?: number;
  /** Spread the pauses at random between 0 and the computed delay (many clients retrying one server). Default false. */
  jitter?: boolean;
  /**
   * Whether to call again after this failure; `failures` counts the failed calls so far (1 after
   * the first). Default: always (within `attempts`). Throwing from here ends the retries with that error.
   */
  shouldRetry?: (error: unknown, failures: number) => boolean | Promise<boolean>;
}

/**
 * The one retry of the code base: calls `work` until it resolves, pausing with exponential
 * back-off (`minDelayMs` doubling up to `maxDelayMs`) between failed calls, and rejects with the
 * last error once `attempts` calls failed or `shouldRetry` answers false. `work` receives the
 * number of the call (1 for the first).
 */
export function retry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  let attempt = 0;
  return backOff(() => work(++attempt), {
    numOfAttempts: options.attempts ?? 5,
    startingDelay: options.minDelayMs ?? 100,
    maxDelay: options.maxDelayMs ?? 5000,
    timeMultiple: 2,
    jitter: options.jitter ? 'full' : 'none',
    delayFirstAttempt: false,
    // exponential-backoff passes the number of failed calls so far.
    retry: (error: unknown, failures: number) => (options.shouldRetry ? options.shouldRetry(error, failures) : true),
  });
}

/** The pause before retry number `retries + 1` under the same back-off as {@link retry} (for timers that cannot await). */
export function backoffDelay(retries: number, options: Pick<RetryOptions, 'minDelayMs' | 'maxDelayMs'> = {}): number {
  return Math.min(options.maxDelayMs ?? 5000, (options.minDelayMs ?? 100) * 2 ** Math.min(retries, 30));
}

/** Resolves after `ms`, or at once when `signal` is aborted: a pause that a stop need not sit out. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface WaitOptions {
  /** How long to wait in all; the condition is checked a last time at the deadline. `Infinity` waits until it holds (or `signal`). */
  timeoutMs: number;
  /** Pause after a check that found the condition false. */
  intervalMs: number;
  /** When set, the pause doubles after each check, up to this. */
  maxIntervalMs?: number;
  /** Ends the wait (resolves false) once aborted, without sitting out the pause. */
  signal?: AbortSignal;
}

/**
 * The one wait of the code base: checks `condition` until it holds (resolves true) or the deadline
 * passes (resolves false); a pause never runs past the deadline. An error thrown by `condition`
 * rejects at once (retrying a failing call is {@link retry}'s business).
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, options: WaitOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  let interval = options.intervalMs;
  for (;;) {
    if (options.signal?.aborted) return false;
    if (await condition()) return true;
    const left = deadline - Date.now();
    if (left <= 0 || options.signal?.aborted) return false;
    await pause(Math.min(interval, left), options.signal);
    interval = Math.min(interval * 2, options.maxIntervalMs ?? interval);
  }
}
