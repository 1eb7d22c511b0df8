import { retry } from '@shecun/core';

/** Calls of one event's work before it is parked, from PROJECTION_MAX_ATTEMPTS (default 5). */
export function maxAttemptsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PROJECTION_MAX_ATTEMPTS;
  if (raw === undefined || raw === '') return 5;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`PROJECTION_MAX_ATTEMPTS must be a positive whole number, not ${raw}`);
  return value;
}

export interface FailurePolicyOptions {
  /** Calls before an event is given up on and parked. Default: PROJECTION_MAX_ATTEMPTS, else 5. */
  maxAttempts?: number;
  /** Whether an error is the infrastructure being away rather than the event being bad. Default {@link isDatabaseUnavailable}. */
  isTransient?: (error: unknown) => boolean;
  /** Pause after the first failure, doubling. Default 100 ms. */
  minDelayMs?: number;
  /** Longest pause between two calls. Default 2 s. */
  maxDelayMs?: number;
}

/** Lets a long wait keep its processor alive, and end when the processor stops. */
export interface ProcessingControl {
  /** False once the processor stops (or lost its partition): a transient wait gives up with {@link ProcessingStoppedError}. */
  isRunning?: () => boolean;
  /** Called between calls while waiting (a Kafka consumer heartbeats its group). */
  keepAlive?: () => Promise<void>;
  /** Told of each failed call before the pause (for logs). */
  onFailure?: (error: unknown, transient: boolean, attempts: number) => void;
}

/** The event stays unprocessed (not applied, not parked, checkpoint not moved): its processor stopped while it waited. */
export class ProcessingStoppedError extends Error {
  constructor(message: string, override readonly cause: unknown) {
    super(message);
    this.name = 'ProcessingStoppedError';
  }
}

export type PolicyOutcome<T> = { ok: true; value: T; attempts: number } | { ok: false; error: unknown; attempts: number };

/**
 * What every processor of the log does when an event fails (the projection runner, the bus
 * projector): a transient error — the database or the broker away — is waited out with back-off
 * for as long as the processor runs and is not counted; any other error is tried again with
 * back-off up to `maxAttempts` calls in all, then the caller parks the event (a `parked_events`
 * row, written with its checkpoint) and goes on with the next. The same bad event therefore
 * neither stops one topology nor silently disappears in the other.
 */
export class FailurePolicy {
  readonly maxAttempts: number;
  private readonly transient: (error: unknown) => boolean;

  constructor(private readonly options: FailurePolicyOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? maxAttemptsFromEnv();
    if (!Number.isSafeInteger(this.maxAttempts) || this.maxAttempts < 1) throw new Error(`maxAttempts must be a positive whole number, not ${this.maxAttempts}`);
    this.transient = options.isTransient ?? isDatabaseUnavailable;
  }

  isTransient(error: unknown): boolean {
    return error instanceof ProcessingStoppedError || this.transient(error);
  }

  /**
   * Calls `work` under the policy. Resolves `ok: true` with its value, or `ok: false` with the
   * last error once `maxAttempts` calls failed for a reason other than a transient one: the caller
   * then parks the event. Rejects with {@link ProcessingStoppedError} when the processor stops
   * while waiting.
   */
  async run<T>(work: () => Promise<T>, control: ProcessingControl = {}): Promise<PolicyOutcome<T>> {
    let attempts = 0;
    try {
      const value = await this.waitingOut(
        async () => {
          try {
            return await work();
          } catch (error) {
            if (!this.isTransient(error)) attempts += 1;
            throw error;
          }
        },
        control,
        (error) => attempts < this.maxAttempts && (control.onFailure?.(error, false, attempts), true),
      );
      return { ok: true, value, attempts: attempts + 1 };
    } catch (error) {
      if (error instanceof ProcessingStoppedError || this.isTransient(error)) throw error;
      return { ok: false, error, attempts };
    }
  }

  /**
   * Calls `work`, waiting out transient errors only (any other error rejects at once): for the
   * bookkeeping around an event (parking it, reading it back for a replay).
   */
  waitOut<T>(work: () => Promise<T>, control: ProcessingControl = {}): Promise<T> {
    return this.waitingOut(work, control, () => false);
  }

  private waitingOut<T>(work: () => Promise<T>, control: ProcessingControl, retryOther: (error: unknown) => boolean): Promise<T> {
    let transientFailures = 0;
    return retry(work, {
      attempts: Infinity,
      minDelayMs: this.options.minDelayMs ?? 100,
      maxDelayMs: this.options.maxDelayMs ?? 2000,
      shouldRetry: async (error) => {
        if (error instanceof ProcessingStoppedError) return false;
        if (!this.transient(error)) return retryOther(error);
        if (control.isRunning && !control.isRunning()) throw new ProcessingStoppedError(`stopped while waiting for the infrastructure: ${messageOf(error)}`, error);
        control.onFailure?.(error, true, ++transientFailures);
        await control.keepAlive?.().catch(() => undefined);
        return true;
      },
    });
  }
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'SQLITE_BUSY']);
const CONNECTION_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Connection ended/i;

/**
 * Whether an error means the database could not be reached or went away (rather than the
 * statement being wrong): socket errors, SQLSTATE class 08 (connection exception), 57P01–57P03
 * (administrator/crash shutdown, cannot connect now), 53300 (too many connections), and a SQLite
 * database busy past its timeout. Looks through TypeORM's QueryFailedError (`driverError`) and
 * `cause` chains.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code))) return true;
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
