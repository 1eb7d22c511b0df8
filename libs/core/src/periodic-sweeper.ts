import { DynamicModule, Global, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Nest token of the {@link SweepLease} where several instances of a service run (none in the embedded process). */
export const SWEEP_LEASE = Symbol.for('shecun.SweepLease');
/**
 * Nest token, a boolean: false where the application context is opened for a one-shot command (the
 * CLI's rebuild, seed, verify…): periodic sweeps and other background work do not start. Absent: true.
 */
export const BACKGROUND_WORK = Symbol.for('shecun.BackgroundWork');

/** Lets one instance at a time run the sweep of a given name: a sweep runs once per deployment, not once per instance. */
export interface SweepLease {
  whileHeld<T>(name: string, work: () => Promise<T>): Promise<{ held: true; result: T } | { held: false }>;
}

/**
 * A PostgreSQL advisory lock per sweep name, taken without waiting on one connection and let go
 * when the sweep ends (or the connection drops): an instance whose timer fires while another
 * sweeps skips that round.
 */
export class PgAdvisoryLease implements SweepLease {
  constructor(private readonly dataSource: DataSource) {}

  async whileHeld<T>(name: string, work: () => Promise<T>): Promise<{ held: true; result: T } | { held: false }> {
    const key = `shecun-sweep:${name}`;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ held }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS held', [key])) as Array<{ held: boolean }>;
      if (!held) return { held: false };
      try {
        return { held: true, result: await work() };
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
      }
    } finally {
      await runner.release();
    }
  }
}

/** Provides the {@link SweepLease} on the app's PostgreSQL database (the write services). */
@Global()
@Module({})
export class SweepLeaseModule {
  static onPostgres(): DynamicModule {
    return {
      module: SweepLeaseModule,
      providers: [{ provide: SWEEP_LEASE, inject: [getDataSourceToken()], useFactory: (dataSource: DataSource) => new PgAdvisoryLease(dataSource) }],
      exports: [SWEEP_LEASE],
    };
  }
}

/**
 * A job the platform runs by itself: shortly after start, then every `intervalMs`, unless the
 * environment variable `switchName` is `false`. Subclasses decide what one sweep does (through the
 * command path, as `system`); errors are logged and the next sweep tries again. Where a
 * {@link SweepLease} is provided (several instances of a service), only the instance holding it
 * sweeps at a time; the embedded process has none and is the only one (its data-folder lock).
 */
export abstract class PeriodicSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;
  @Optional() @Inject(SWEEP_LEASE) private readonly lease?: SweepLease;
  @Optional() @Inject(BACKGROUND_WORK) private readonly background?: boolean;

  protected constructor(
    private readonly name: string,
    private readonly switchName: string,
    private readonly intervalMs = 3_600_000,
  ) {
    this.logger = new Logger(name);
  }

  abstract sweep(): Promise<unknown>;

  /** One round as the timer runs it: under the lease where there is one; undefined when another instance held it. */
  async runOnce(): Promise<unknown> {
    if (!this.lease) return this.sweep();
    const outcome = await this.lease.whileHeld(this.name, () => this.sweep());
    if (!outcome.held) this.logger.debug?.(`another instance is sweeping; this one skips the round`);
    return outcome.held ? outcome.result : undefined;
  }

  onApplicationBootstrap(): void {
    if (this.background === false || process.env[this.switchName] === 'false') return;
    const run = () => this.runOnce().catch((error) => this.logger.error(error instanceof Error ? error.message : String(error)));
    this.first = setTimeout(run, 10_000);
    this.first.unref();
    this.timer = setInterval(run, this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.first) clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
  }
}
