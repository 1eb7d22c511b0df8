import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { READ_POSITION, ReadPosition, reportProjections, waitFor } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { DataSource } from 'typeorm';
import { Projection } from './projection';
import { ProjectionRunner, ProjectionStatus } from './projection-runner';
import { catchUpTogether, CatchUpTogetherOptions, CatchUpTogetherResult } from './catch-up-together';
import { ParkedEventsAdmin } from './parked-command';
import { outdatedProjections, underVersionLock } from './projection-versions';
import { allParked, canPark, ParkedEvent, ReplayResult, settleParkedAfterRebuild, skipParkedEvent } from './parked-events';

export const PROJECTIONS_AUTOSTART = Symbol.for('shecun.ProjectionsAutostart');

/** A processor of the log that is not a projection (the push dispatcher) but parks events under the same policy. */
export interface ParkingProcessor {
  status(): ProjectionStatus;
  replayParked(eventId?: string, by?: string): Promise<ReplayResult[]>;
  /** Counts its unresolved parked events again (after a skip). */
  refreshParked(): Promise<unknown>;
}

/**
 * Contexts register their projections here (in their module's onModuleInit); the host starts one
 * runner per projection when the application has bootstrapped, and stops them on shutdown.
 */
@Injectable()
export class ProjectionHost implements OnApplicationBootstrap, OnApplicationShutdown, ReadPosition, ParkedEventsAdmin {
  private readonly logger = new Logger('Projections');
  private readonly runners = new Map<string, ProjectionRunner>();
  private readonly processors = new Map<string, ParkingProcessor>();
  private started?: Promise<void>;
  private unreport?: () => void;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PROJECTIONS_AUTOSTART) readonly autostart: boolean,
  ) {}

  register(projection: Projection): void {
    if (this.runners.has(projection.name)) throw new Error(`projection ${projection.name} registered twice`);
    this.runners.set(projection.name, new ProjectionRunner(this.store, this.dataSource, projection));
  }

  runner(name: string): ProjectionRunner {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`unknown projection ${name}; known: ${[...this.runners.keys()].join(', ')}`);
    return runner;
  }

  names(): string[] {
    return [...this.runners.keys()];
  }

  /**
   * Brings the named projections (default: all) up to the head with one read of the log
   * (see {@link catchUpTogether}); the runners must not be following the log meanwhile.
   */
  catchUpTogether(names = this.names(), options: CatchUpTogetherOptions = {}): Promise<CatchUpTogetherResult> {
    return catchUpTogether(this.store, names.map((n) => this.runner(n)), options);
  }

  /**
   * Empties the named projections (default: all; each its tables and checkpoint in one
   * transaction) and replays the log into all of them with one read of it; those that were
   * following the log follow it again afterwards.
   */
  async rebuild(names = this.names(), options: CatchUpTogetherOptions = {}): Promise<CatchUpTogetherResult> {
    const runners = names.map((n) => this.runner(n));
    const startedAt = new Date().toISOString();
    const following: ProjectionRunner[] = [];
    for (const runner of runners) if (await runner.reset()) following.push(runner);
    const result = await catchUpTogether(this.store, runners, options);
    for (const runner of runners) await settleParkedAfterRebuild(this.dataSource, runner, startedAt);
    for (const runner of following) await runner.start();
    return result;
  }

  /** Registers a processor of the log whose parked events are counted in the status and replayed with the projections'. */
  registerProcessor(name: string, processor: ParkingProcessor): void {
    if (this.runners.has(name) || this.processors.has(name)) throw new Error(`processor ${name} registered twice`);
    this.processors.set(name, processor);
  }

  /** Names whose parked events can be replayed: the projections, then the other processors. */
  parkingNames(): string[] {
    return [...this.runners.keys(), ...this.processors.keys()];
  }

  onApplicationBootstrap(): void {
    this.unreport = reportProjections(() => this.metrics());
    if (this.autostart) void this.startAll();
  }

  /** Each projection's and processor's lag behind the store head and parked count, for the metrics scrape (no lag while the store does not answer). */
  private async metrics() {
    const head = await this.store.headPosition().catch(() => undefined);
    return this.status().projections.map((p) => ({ projection: p.name, lag: head === undefined ? undefined : Math.max(0, head - p.checkpoint), parked: p.parked }));
  }

  /**
   * Starts every runner; resolves when all have caught up with the log. Projections whose stored
   * rows were built by another version of their code are rebuilt first (one read of the log for
   * all of them, with progress in the log); the app is not ready meanwhile.
   */
  startAll(): Promise<void> {
    this.started ??= this.rebuildOutdated().then(() => this.startRunners());
    return this.started;
  }

  /** Rebuilds the projections whose stored version differs from their code's (see projection-versions.ts); answers their names. */
  rebuildOutdated(): Promise<string[]> {
    return underVersionLock(this.dataSource, () => this.rebuildOutdatedNow());
  }

  private async rebuildOutdatedNow(): Promise<string[]> {
    const outdated = await outdatedProjections(this.dataSource, [...this.runners.values()].map((r) => r.projection));
    if (outdated.length === 0) return [];
    for (const o of outdated) this.logger.warn(`${o.name}: its rows were built by version ${o.stored}, this build writes version ${o.current}: rebuilding it from the event store`);
    const names = outdated.map((o) => o.name);
    const t0 = Date.now();
    let logged = 0;
    const result = await this.rebuild(names, {
      onProgress: (done, total) => {
        if (Date.now() - logged < 5000 && done < total) return;
        logged = Date.now();
        this.logger.log(`rebuilding ${names.join(', ')}: ${done} of ${total} (${total > 0 ? Math.floor((done / total) * 100) : 100} %)`);
      },
    });
    this.logger.log(`rebuilt ${names.join(', ')} from ${result.events} events in ${Date.now() - t0} ms`);
    return names;
  }

  private startRunners(): Promise<void> {
    return Promise.all(
      [...this.runners.values()].map(async (runner) => {
        const t0 = Date.now();
        await runner.start();
        this.logger.log(`${runner.name} caught up at position ${runner.status().checkpoint} in ${Date.now() - t0} ms`);
      }),
    ).then(() => undefined);
  }

  /**
   * Ready once every projection has caught up. Parked events do not make it unready (the other
   * events are applied): `degraded` with the count of unresolved `parked` events instead.
   */
  status(): { ready: boolean; degraded: boolean; parked: number; projections: ProjectionStatus[] } {
    const projections = [...this.runners.values(), ...this.processors.values()].map((r) => r.status());
    const parked = projections.reduce((sum, p) => sum + p.parked, 0);
    // A projection stopped at a parked event (onParked: 'stop') leaves the app ready, degraded: the others serve.
    return { ready: projections.every((p) => (p.caughtUp || p.stoppedAt) && !p.error), degraded: parked > 0, parked, projections };
  }

  /** Every parked event (resolved ones too), oldest first. */
  async parked(): Promise<ParkedEvent[]> {
    return canPark(this.dataSource) ? allParked(this.dataSource) : [];
  }

  /** Replays the unresolved parked events of one projection or processor (default: all), or one event. */
  async replay(projection: string | undefined, eventId: string | undefined, by: string): Promise<ReplayResult[]> {
    const targets = projection ? [this.parking(projection)] : [...this.runners.values(), ...this.processors.values()];
    const results: ReplayResult[] = [];
    for (const target of targets) results.push(...(await target.replayParked(eventId, by)));
    return results;
  }

  /** Skips one parked event of a projection or processor on an operator's request (who and why kept on its row). */
  async skip(projection: string, eventId: string, by: string, reason: string): Promise<ParkedEvent> {
    const target = this.parking(projection);
    const row = await skipParkedEvent(this.dataSource, projection, eventId, by, reason);
    this.logger.warn(`parked event ${eventId} (${row.eventType}, position ${row.position}) of ${projection} skipped by ${by}: ${row.resolutionNote}`);
    await target.refreshParked();
    return row;
  }

  private parking(name: string): ProjectionRunner | ParkingProcessor {
    return this.processors.get(name) ?? this.runner(name);
  }

  /** The projections whose checkpoint is still before `position` (read-your-writes: ReadYourWritesInterceptor). */
  async pending(position: number): Promise<string[]> {
    return [...this.runners.entries()].filter(([, r]) => r.status().checkpoint < position).map(([name]) => name);
  }

  /** Resolves true once every projection has applied the log up to `position`, false at the deadline. */
  async waitFor(position: number, timeoutMs = 5000): Promise<boolean> {
    return waitFor(async () => (await this.pending(position)).length === 0, { timeoutMs, intervalMs: 5 });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unreport?.();
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
  }
}

@Global()
@Module({})
export class ProjectionsModule {
  /** `autostart: false` for tools (rebuild, seed) that drive the runners themselves. */
  static forRoot(options: { autostart: boolean }): DynamicModule {
    return {
      module: ProjectionsModule,
      // One host per process, reachable from every context module that registers a projection.
      global: true,
      providers: [ProjectionHost, { provide: PROJECTIONS_AUTOSTART, useValue: options.autostart }, { provide: READ_POSITION, useExisting: ProjectionHost }],
      exports: [ProjectionHost, READ_POSITION],
    };
  }
}
