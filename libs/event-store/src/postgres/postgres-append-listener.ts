/**
 * The LISTEN connection through which the PostgreSQL store hears of appends made by other
 * processes (the append transaction calls `pg_notify`, delivered on commit). A failed or lost
 * connection is retried with the code base's back-off (0.5 s doubling to 30 s, reset once
 * listening again); subscriptions poll meanwhile.
 */
import { backoffDelay } from '@shecun/resilience';
import { Client, ClientConfig } from 'pg';
import { quoteIdent } from './postgres-events-table';

/** Back-off of reconnects of a failed or lost LISTEN connection (subscriptions poll meanwhile). */
export const LISTENER_BACKOFF = { minDelayMs: 500, maxDelayMs: 30_000 };

export class AppendListener {
  private connection?: Client;
  private starting?: Promise<void>;
  private retry?: NodeJS.Timeout;
  /** Failed attempts since the connection last listened: the back-off's step. */
  private failures = 0;

  /**
   * @param onAppend called on every notification on `channel` (with its payload), and once listening
   *   without one (appends committed while no listener was connected sent notifications nobody got)
   * @param isClosed whether the store is closed: no more connecting, retrying or warning
   */
  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly onAppend: (payload?: string) => void,
    private readonly isClosed: () => boolean,
  ) {}

  /** Starts (once) the LISTEN connection; resolves when listening or when the attempt failed. */
  start(): Promise<void> {
    if (this.isClosed()) return Promise.resolve();
    this.starting ??= this.connect();
    return this.starting;
  }

  /** Once the store is closed: cancels a pending retry, waits for an attempt in flight and ends the connection. */
  async end(): Promise<void> {
    clearTimeout(this.retry);
    await this.starting;
    const connection = this.connection;
    this.connection = undefined;
    await connection?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onAppend(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch (error) {
      if (!this.isClosed()) console.warn('event store: LISTEN failed, polling until it recovers', (error as Error).message);
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.scheduleRetry();
      return;
    }
    if (this.isClosed()) {
      await client.end().catch(() => undefined);
      return;
    }
    this.connection = client;
    this.failures = 0;
    // Appends committed while no listener was connected sent notifications nobody got.
    this.onAppend();
  }

  private lost(client: Client, error?: Error): void {
    if (this.isClosed() || this.connection !== client) return;
    console.warn('event store: LISTEN connection lost, polling until it recovers', error?.message ?? 'ended');
    this.connection = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.scheduleRetry();
  }

  /** The pause before the next attempt: doubles with each failure in a row, up to the ceiling. */
  nextDelayMs(): number {
    return backoffDelay(this.failures++, LISTENER_BACKOFF);
  }

  private scheduleRetry(): void {
    if (this.isClosed()) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.starting = undefined;
      if (!this.isClosed()) void this.start();
    }, this.nextDelayMs());
    this.retry.unref();
  }
}
