import { ServiceUnavailableException } from '@nestjs/common';
import { argon2id, hash, needsRehash, verify } from 'argon2';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';

/**
 * Passwords are kept as argon2id hashes with OWASP's parameters (19 MiB, 2 passes, 1 lane: about
 * 35 ms of one core). The parameters are in the encoded hash, so hashes made with others (the
 * library's defaults of earlier versions: 64 MiB, 3 passes, 4 lanes) still verify; a login that
 * verifies one reports that it should be rehashed.
 */
export const PASSWORD_HASH_OPTIONS = { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * One-time passwords the platform makes are random (96 bits, see oneTimePassword()): no guessing
 * or dictionary attack on a stolen hash can succeed whatever it costs to compute, so they are
 * hashed with argon2id at a small cost (4 MiB, 1 pass, a few ms) — as refresh secrets are kept as
 * SHA-256. The password the user chooses at the first sign-in gets PASSWORD_HASH_OPTIONS.
 */
export const ONE_TIME_PASSWORD_HASH_OPTIONS = { type: argon2id, memoryCost: 4_096, timeCost: 1, parallelism: 1 } as const;

/** A one-time password: 96 random bits, base64url (16 characters). */
export const oneTimePassword = (): string => randomBytes(12).toString('base64url');

/** How many hashes run at once (default: the cores) and how many may wait for one (default 512). */
export interface PasswordHashingLimits {
  concurrency: number;
  queueMax: number;
}

export const defaultPasswordHashingLimits = (): PasswordHashingLimits => ({ concurrency: Math.max(1, availableParallelism()), queueMax: 512 });

/** PASSWORD_HASH_CONCURRENCY (default: the cores) and PASSWORD_HASH_QUEUE_MAX (default 512). */
export function passwordHashingLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): PasswordHashingLimits {
  const defaults = defaultPasswordHashingLimits();
  const read = (name: string, fallback: number, min: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}`);
    return value;
  };
  return { concurrency: read('PASSWORD_HASH_CONCURRENCY', defaults.concurrency, 1), queueMax: read('PASSWORD_HASH_QUEUE_MAX', defaults.queueMax, 0) };
}

/** Every hashing slot busy and the queue full: 503, with how long to wait before trying again. */
export class PasswordHashingSaturated extends ServiceUnavailableException {
  constructor(readonly retryAfterSeconds: number) {
    super(`登录人数过多，请 ${retryAfterSeconds} 秒后重试 (too many sign-ins at once: retry in ${retryAfterSeconds} s)`);
  }
}

export interface PasswordCheck {
  ok: boolean;
  /** The stored hash verified but was made with other parameters than PASSWORD_HASH_OPTIONS. */
  needsRehash: boolean;
}

const DECOY_PASSWORD = 'decoy password, never matches';

/**
 * The one place passwords are hashed and verified: argon2 runs on libuv's threads, at most
 * `concurrency` at once (more would only share the same cores and multiply the memory), the rest
 * waiting in order in a bounded queue. A request finding the queue full is refused at once with
 * PasswordHashingSaturated rather than waiting past any useful time.
 */
export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Mean duration of one hash (ms), to tell a refused caller when to come back. */
  private meanMs = 40;
  private decoy?: Promise<string>;

  constructor(private limitsNow: PasswordHashingLimits = defaultPasswordHashingLimits()) {}

  get limits(): PasswordHashingLimits {
    return this.limitsNow;
  }

  /** Sets the limits (the identity module does, from its options); work already running or waiting is kept. */
  configure(limits: PasswordHashingLimits): this {
    this.limitsNow = { ...limits };
    return this;
  }

  /** Hashes running and waiting now (for metrics and tests). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  hash(password: string): Promise<string> {
    return this.run(() => hash(password.normalize('NFKC'), PASSWORD_HASH_OPTIONS));
  }

  /** A one-time password made by oneTimePassword() (never one a person chose): see ONE_TIME_PASSWORD_HASH_OPTIONS. */
  hashOneTime(secret: string): Promise<string> {
    return this.run(() => hash(secret, ONE_TIME_PASSWORD_HASH_OPTIONS));
  }

  /** Checks a password; an unknown user (no or an external-only hash) costs a verification too, so timing does not tell. */
  async check(password: string, stored: string | null | undefined): Promise<PasswordCheck> {
    if (!stored || !stored.startsWith('$argon2')) {
      this.decoy ??= hash(DECOY_PASSWORD, PASSWORD_HASH_OPTIONS);
      const decoy = await this.decoy;
      await this.run(() => verify(decoy, password.normalize('NFKC')).catch(() => false));
      return { ok: false, needsRehash: false };
    }
    const ok = await this.run(() => verify(stored, password.normalize('NFKC')).catch(() => false));
    return { ok, needsRehash: ok && needsRehash(stored, PASSWORD_HASH_OPTIONS) };
  }

  async verify(password: string, stored: string | null | undefined): Promise<boolean> {
    return (await this.check(password, stored)).ok;
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.queueMax) {
        const ahead = this.waiting.length + this.running;
        throw new PasswordHashingSaturated(Math.max(1, Math.ceil((ahead * this.meanMs) / this.limits.concurrency / 1000)));
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.meanMs = this.meanMs * 0.9 + (performance.now() - started) * 0.1;
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/** The process's one hasher (one pool per process: two would share the same cores); the identity module configures it. */
export const defaultPasswordHasher = new PasswordHasher();

export function hashPassword(password: string): Promise<string> {
  return defaultPasswordHasher.hash(password);
}

export function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  return defaultPasswordHasher.verify(password, stored);
}
