import { HttpException, HttpStatus } from '@nestjs/common';
import { backoffDelay } from '@shecun/core';
import { normalizeUsername } from './identity.model';

/**
 * Per-account back-off for wrong passwords: counted per normalized username, whether or not such
 * a user exists (so the answer never tells), in this process's memory. The first `freeFailures`
 * wrong passwords cost nothing; each further one closes the account to sign-ins for a pause that
 * doubles from `minDelayMs` up to `maxDelayMs`. A sign-in during the pause is refused with 429 and
 * Retry-After without checking the password, the right one included. A successful sign-in clears
 * the count; a count with no failure for `forgetAfterMs` is forgotten.
 *
 * The per-address login limit only has to stop one address from trying many accounts; guessing
 * one account's password from many addresses is slowed here.
 */
export interface LoginBackoffPolicy {
  freeFailures: number;
  minDelayMs: number;
  maxDelayMs: number;
  forgetAfterMs: number;
  /** Accounts tracked at most (the oldest are dropped first); bounds the memory an attacker can fill. */
  maxTracked: number;
}

export const DEFAULT_LOGIN_BACKOFF: LoginBackoffPolicy = { freeFailures: 5, minDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000, maxTracked: 100_000 };

/** LOGIN_FREE_FAILURES (default 5), LOGIN_BACKOFF_MAX_SECONDS (default 900). */
export function loginBackoffFromEnv(env: NodeJS.ProcessEnv = process.env): LoginBackoffPolicy {
  const free = Number(env.LOGIN_FREE_FAILURES ?? DEFAULT_LOGIN_BACKOFF.freeFailures);
  if (!Number.isInteger(free) || free < 1) throw new Error('LOGIN_FREE_FAILURES must be a positive integer');
  const maxSeconds = Number(env.LOGIN_BACKOFF_MAX_SECONDS ?? DEFAULT_LOGIN_BACKOFF.maxDelayMs / 1000);
  if (!Number.isInteger(maxSeconds) || maxSeconds < 1) throw new Error('LOGIN_BACKOFF_MAX_SECONDS must be a positive integer');
  return { ...DEFAULT_LOGIN_BACKOFF, freeFailures: free, maxDelayMs: maxSeconds * 1000 };
}

/** The account is in a back-off pause: 429 with the seconds left. */
export class AccountBackingOff extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      `此账号密码错误次数过多，请 ${retryAfterSeconds} 秒后再试 (too many wrong passwords for this account: try again in ${retryAfterSeconds} s)`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

interface Attempts {
  failures: number;
  lastFailureAt: number;
  closedUntil: number;
  /** Sign-ins of this account being checked now. */
  inFlight: number;
}

export type LoginOutcome = 'failed' | 'succeeded' | 'abandoned';

export class LoginAttempts {
  /** Insertion-ordered: the first entries are the least recently used. */
  private readonly accounts = new Map<string, Attempts>();

  constructor(
    private readonly policy: LoginBackoffPolicy = DEFAULT_LOGIN_BACKOFF,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Before checking a password: throws AccountBackingOff while the account is in a pause, or when
   * as many checks are already running as it has free failures left (at most one once they are
   * spent) — so a burst of parallel guesses cannot slip past the count. Pair with {@link end}.
   */
  begin(username: string): void {
    const key = normalizeUsername(username);
    const now = this.clock();
    let entry = this.accounts.get(key);
    if (entry && entry.inFlight === 0 && now - entry.lastFailureAt > this.policy.forgetAfterMs && entry.closedUntil <= now) {
      this.accounts.delete(key);
      entry = undefined;
    }
    if (entry) {
      const left = entry.closedUntil - now;
      if (left > 0) throw new AccountBackingOff(Math.ceil(left / 1000));
      const allowed = Math.max(1, this.policy.freeFailures - entry.failures);
      if (entry.inFlight >= allowed) throw new AccountBackingOff(1);
    } else {
      entry = { failures: 0, lastFailureAt: now, closedUntil: 0, inFlight: 0 };
    }
    entry.inFlight += 1;
    this.accounts.delete(key);
    this.accounts.set(key, entry);
    this.trim();
  }

  /** After the check: a wrong password counts (and may start a pause, returned in ms); a success clears the account. */
  end(username: string, outcome: LoginOutcome): number {
    const key = normalizeUsername(username);
    const entry = this.accounts.get(key);
    if (!entry) return 0;
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    if (outcome === 'succeeded') {
      entry.failures = 0;
      entry.closedUntil = 0;
    }
    if (outcome !== 'failed') {
      if (entry.failures === 0 && entry.inFlight === 0) this.accounts.delete(key);
      return 0;
    }
    const now = this.clock();
    entry.failures += 1;
    entry.lastFailureAt = now;
    const over = entry.failures - this.policy.freeFailures;
    const pause = over > 0 ? backoffDelay(over - 1, { minDelayMs: this.policy.minDelayMs, maxDelayMs: this.policy.maxDelayMs }) : 0;
    entry.closedUntil = Math.max(entry.closedUntil, now + pause);
    return pause;
  }

  /** Accounts with failures counted or a check running now. */
  get tracked(): number {
    return this.accounts.size;
  }

  private trim(): void {
    while (this.accounts.size > this.policy.maxTracked) this.accounts.delete(this.accounts.keys().next().value!);
  }
}
