import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SpanKind } from '@opentelemetry/api';
import { contextFromCarrier, eventToAppend, inSpan, SYSTEM_ACTOR, waitFor, withWriteLock } from '@shecun/core';
import { EVENT_STORE, EventStore, RecordedEvent, START, Subscription } from '@shecun/event-store';
import { readPublishedNeed } from '@shecun/needs';
import { readPublishedOrganization } from '@shecun/organizations';
import {
  canPark, describeError, FailurePolicy, isDatabaseUnavailable, messageOf, ParkedEvent, parkEvent, ProcessingControl, ProjectionHost, replayParkedEvents, ReplayResult,
} from '@shecun/projections';
import { v5 as uuidv5 } from 'uuid';
import { DataSource, IsNull } from 'typeorm';
import { isFreshEnough, NeedPushed, PUSH_TARGETING, pushFeedStream, PushNeed, PushPreferences, PushTargeting, selectRecipients } from './push.model';
import { PushDispatchCheckpoint, PushPreferencesView } from './push.projection';
import { PUSH_OPTIONS, PushOptions } from './webhook.dispatcher';

const PUSH_NAMESPACE = '8b3e2f6a-1c4d-5e7f-9a0b-2c3d4e5f6a7b';
/** The push of one need to one organization has one id: appending it twice stores it once. */
export const pushEventId = (organizationId: string, needId: string) => uuidv5(`${organizationId}/${needId}`, PUSH_NAMESPACE);

/** Read models the dispatcher decides on; it waits until they have applied the event it handles. */
export const PUSH_INPUT_PROJECTIONS = ['push-preferences'];

/** The read models the dispatcher decides on are still behind the event: a wait, not a failure of the event. */
export class PushInputsBehindError extends Error {}

/**
 * The dispatcher, a checkpointed processor (not a projection: it writes to the event store, not
 * to a read model): when a need is published or revised, it waits until the ranking's read model
 * and the preferences have applied that event, asks the targeting port which organizations the
 * need fits, keeps those whose preferences accept it, and appends a NeedPushed event to each
 * one's feed stream. The event id derives from organization and need and the store ignores an
 * id it already holds, so a need reaches an organization once, even when a batch is processed
 * again after a crash (the checkpoint is saved after the batch).
 *
 * Failures follow the projections' FailurePolicy: the database away, or the read models it decides
 * on still behind, is waited out; an event whose dispatch keeps failing is parked (projection
 * `push-dispatch` in parked_events, with the checkpoint past it) and replayed with the projections'
 * parked events (`cli projections replay push-dispatch`).
 */
@Injectable()
export class PushDispatcher implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  static readonly NAME = 'push-dispatch';
  private readonly logger = new Logger('PushDispatch');
  private subscription?: Subscription;
  private running = false;
  private restartTimer?: NodeJS.Timeout;
  position = START;
  /** Unresolved parked events of the dispatcher. */
  parked = 0;
  private readonly policy = new FailurePolicy({ isTransient: (error) => error instanceof PushInputsBehindError || isDatabaseUnavailable(error) });
  private readonly control: ProcessingControl = {
    isRunning: () => this.running,
    onFailure: (error, transient, attempts) => {
      if (!transient) this.logger.warn(`attempt ${attempts} of ${this.policy.maxAttempts} failed: ${messageOf(error)}`);
      else if (attempts === 1) this.logger.warn(`waiting: ${messageOf(error)}`);
    },
  };

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PUSH_TARGETING) private readonly targeting: PushTargeting,
    private readonly projections: ProjectionHost,
    @Inject(PUSH_OPTIONS) private readonly options: PushOptions,
  ) {}

  onModuleInit(): void {
    this.projections.registerProcessor(PushDispatcher.NAME, {
      status: () => ({ name: PushDispatcher.NAME, checkpoint: this.position, caughtUp: true, parked: this.parked, ...(this.options.dispatch === false ? { off: true as const } : {}) }),
      replayParked: (eventId, by) => this.replayParked(eventId, by),
      refreshParked: () => this.refreshParked(),
    });
  }

  onApplicationBootstrap(): void {
    if (this.projections.autostart && this.options.dispatch !== false) void this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.subscription?.stop();
  }

  async start(): Promise<void> {
    this.running = true;
    const row = await this.dataSource.getRepository(PushDispatchCheckpoint).findOneBy({ name: PushDispatcher.NAME });
    this.position = row?.position ?? START;
    await this.refreshParked();
    this.subscription = this.store.subscribeAll(this.position, (events) => this.handle(events), {
      batchSize: 100,
      onError: (error) => {
        if (!this.running) return;
        this.logger.error(`stopped at ${this.position}: ${error instanceof Error ? error.message : String(error)}; retrying in 1 s`);
        this.subscription = undefined;
        if (this.running) this.restartTimer = setTimeout(() => void this.start(), 1000);
      },
    });
  }

  async refreshParked(): Promise<void> {
    if (canPark(this.dataSource)) this.parked = await this.dataSource.getRepository(ParkedEvent).countBy({ projection: PushDispatcher.NAME, resolvedAt: IsNull() });
  }

  private async handle(events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'NeedPublished' && event.type !== 'NeedRevised') continue;
      // Read from the event store: the span continues the trace of the command that appended the event (its metadata's traceparent).
      const traced = () => inSpan('push dispatch', { kind: SpanKind.CONSUMER, parent: contextFromCarrier(event.metadata), attributes: { 'messaging.message.id': event.id, 'shecun.event_type': event.type, 'shecun.position': event.position } }, () => this.dispatch(event));
      const outcome = await this.policy.run(traced, this.control);
      if (!outcome.ok) await this.park(event, outcome.error, outcome.attempts);
    }
    const position = events[events.length - 1].position;
    await withWriteLock(this.dataSource, () => this.dataSource.getRepository(PushDispatchCheckpoint).save({ name: PushDispatcher.NAME, position, updatedAt: new Date().toISOString() }));
    this.position = position;
  }

  /** Parks an event whose dispatch kept failing, with the checkpoint just past it (no database table: fails the batch, retried). */
  private async park(event: RecordedEvent, error: unknown, attempts: number): Promise<void> {
    if (!canPark(this.dataSource)) throw error;
    await this.policy.waitOut(
      () =>
        withWriteLock(this.dataSource, () =>
          this.dataSource.transaction(async (manager) => {
            await parkEvent(manager, PushDispatcher.NAME, event, error, attempts);
            await manager.save(PushDispatchCheckpoint, { name: PushDispatcher.NAME, position: event.position, updatedAt: new Date().toISOString() });
          }),
        ),
      this.control,
    );
    this.position = event.position;
    this.parked += 1;
    this.logger.error(`parked event ${event.id} (${event.type}, stream ${event.streamName}, position ${event.position}) after ${attempts} attempts: ${describeError(error)}; pushes go on without it; replay it once the fault is fixed (parked / replay ${PushDispatcher.NAME})`);
  }

  /** Dispatches the unresolved parked events again (or only `eventId`), read back from the event store; resolved ones keep their row. */
  async replayParked(eventId?: string, by = 'system'): Promise<ReplayResult[]> {
    if (!canPark(this.dataSource)) return [];
    const results = await replayParkedEvents({
      dataSource: this.dataSource,
      processor: PushDispatcher.NAME,
      store: this.store,
      policy: this.policy,
      logger: this.logger,
      eventId,
      by,
      apply: async (event, resolve) => {
        await this.dispatch(event);
        await withWriteLock(this.dataSource, () => this.dataSource.transaction(resolve));
      },
    });
    await this.refreshParked();
    return results;
  }

  /** Waits (up to 30 s, then a transient failure: the policy waits on) until the inputs have applied `position`. */
  private async inputsAt(position: number): Promise<void> {
    const names = [...PUSH_INPUT_PROJECTIONS, ...(this.targeting.projections ?? [])];
    const reached = () => names.every((name) => this.projections.runner(name).status().checkpoint >= position);
    if (!(await waitFor(reached, { timeoutMs: 30_000, intervalMs: 10 }))) throw new PushInputsBehindError(`read models ${names.join(', ')} have not reached position ${position}`);
  }

  private async dispatch(event: RecordedEvent): Promise<void> {
    if (!isFreshEnough(event.metadata.occurredAt, Date.now(), this.options.maxAgeDays ?? 7)) return;
    const needId = (event.data as { needId: string }).needId;
    // The need as of now, from its own stream: pushes go only for a need that is open.
    const need = await readPublishedNeed(this.store, needId);
    if (need.lifecycle !== 'published') return;
    await this.inputsAt(event.position);
    const pushNeed: PushNeed = { needId, title: need.title, villageCode: need.villageCode, category: need.category, publishedAt: need.publishedAt };
    const candidates = await this.targeting.candidatesFor(pushNeed);
    const preferences = new Map((await this.dataSource.getRepository(PushPreferencesView).find()).map((r) => [r.organizationId, JSON.parse(r.preferences) as PushPreferences]));
    const recipients = selectRecipients(pushNeed, candidates, (id) => preferences.get(id));
    for (const recipient of recipients) {
      const data: NeedPushed['data'] = {
        organizationId: recipient.organizationId,
        needId,
        title: pushNeed.title,
        villageCode: pushNeed.villageCode,
        category: pushNeed.category,
        score: recipient.score,
        reasons: recipient.reasons,
        trigger: event.type === 'NeedPublished' ? 'published' : 'revised',
        memberUnits: recipient.preferences.includeMemberUnits ? await this.memberUnitsOf(recipient.organizationId) : [],
        webhookUrl: recipient.preferences.webhookUrl,
        pushedAt: event.metadata.occurredAt,
      };
      const pushed = eventToAppend({ type: 'NeedPushed', data }, { id: pushEventId(recipient.organizationId, needId), actor: SYSTEM_ACTOR, correlationId: event.metadata.correlationId, causationId: event.id, occurredAt: event.metadata.occurredAt });
      await this.store.append(pushFeedStream(recipient.organizationId), [pushed], 'any');
    }
  }

  private async memberUnitsOf(organizationId: string): Promise<string[]> {
    return (await readPublishedOrganization(this.store, organizationId)).memberUnits;
  }
}
