import { v5 as uuidv5 } from 'uuid';
import {
  currentSchemaVersion,
  EventStore,
  ExpectedRevision,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '@shecun/event-store';
import { Actor } from './actor';
import { Decider, DomainEvent } from './decider';
import { conflict, DomainError } from './domain-error';
import { eventStoreAppendConflicts, eventStoreAppendDuration, eventStoreAppends } from './metrics';
import { retry } from '@shecun/resilience';
import { LoadedStream, loadStream, snapshotIfDue, SnapshotPoint } from './snapshots';
import { inSpan, traceCarrier } from './tracing/trace-context';

/** Namespace for event ids derived from a command id (uuid v5). */
const EVENT_ID_NAMESPACE = '6f1c0d2e-8a4b-5c3d-9e7f-0a1b2c3d4e5f';
/** Id of the `index`-th event a command appends: derived from its command id, so a retry appends nothing new. */
export const commandEventId = (commandId: string, index: number): string => uuidv5(`${commandId}/${index}`, EVENT_ID_NAMESPACE);
const eventIdOf = commandEventId;

export interface CommandEnvelope<Command> {
  command: Command;
  actor: Actor;
  /** Identifies this command; event ids derive from it, so a retried command appends nothing new. */
  commandId: string;
  correlationId: string;
  /**
   * The stream revision the person decided on (their If-Match): the command is refused with
   * {@link StaleRevisionError} when the stream has moved on, and never re-decided after a
   * concurrent append. Unset: the command is decided on the current state.
   */
  expectedRevision?: number;
}

/** 412: the stream is no longer at the revision the caller named; carries the current state. */
export class StaleRevisionError<State = unknown> extends DomainError {
  constructor(
    readonly streamName: string,
    readonly currentRevision: number,
    readonly expectedRevision: number,
    readonly state: State,
  ) {
    super(
      'stale',
      `内容已被修改（当前修订 ${currentRevision}，你看到的是修订 ${expectedRevision}），请查看最新内容后再提交 (changed since you read it: now at revision ${currentRevision}, If-Match named ${expectedRevision})`,
      { currentRevision, expectedRevision },
    );
  }
}

export interface CommandResult<State> {
  state: State;
  /** Events this command appended (or had appended on an earlier try of the same command id). */
  events: AppendedEvent[];
  /** Revision of the stream after the command; -1 for a stream that still does not exist. */
  revision: number;
  /** Global position of the command's last event, or undefined when it appended nothing. */
  position?: number;
}

export type AppendedEvent = Pick<RecordedEvent, 'id' | 'type' | 'data' | 'metadata' | 'revision'>;

/** The current state of one stream, folded with a decider's `evolve` (for reading another aggregate in a handler). */
export async function loadState<State, Event extends DomainEvent>(
  store: EventStore,
  streamName: string,
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve' | 'snapshot'>,
): Promise<State> {
  return (await loadStream(store, streamName, decider as Pick<Decider<unknown, State, DomainEvent>, 'initialState' | 'evolve' | 'snapshot'>)).state;
}

/** Folds stored events with a decider's `evolve`. */
export const foldRecorded = <State, Event extends DomainEvent>(decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>, events: readonly RecordedEvent[]): State =>
  foldOnto(decider, decider.initialState, events);

const foldOnto = <State, Event extends DomainEvent>(decider: Pick<Decider<unknown, State, Event>, 'evolve'>, state: State, events: readonly RecordedEvent[]): State =>
  events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as Event), state);

/**
 * The events a command id already appended to the stream (a retried command). From a snapshot, the
 * events before it were not read: the command's first event id (derived from the command id) is
 * looked up instead, and the stream read from there if it lies before the snapshot.
 */
async function earlierOutcome(store: EventStore, streamName: string, loaded: LoadedStream<unknown>, commandId: string): Promise<RecordedEvent[]> {
  const ofCommand = (events: RecordedEvent[]) => events.filter((e) => e.metadata.causationId === commandId);
  const inRead = ofCommand(loaded.read);
  if (inRead.length > 0 || loaded.base < 0) return inRead;
  const first = await store.revisionOfEvent(streamName, eventIdOf(commandId, 0));
  if (first === undefined || first > loaded.base) return inRead;
  return ofCommand(await store.readStream(streamName, { fromRevision: first, maxCount: loaded.revision - first + 1 }));
}

export interface ExecuteOptions {
  /** How many times to decide in all when concurrent appends keep moving the stream (commuting commands). Default 8. */
  maxAttempts?: number;
  clock?: () => Date;
}

/** 409: a command that does not commute met a concurrent append; nothing was appended. */
export class ConcurrentChangeError extends DomainError {
  constructor(readonly streamName: string, readonly currentRevision: number) {
    super(
      'conflict',
      `内容刚被他人修改，请查看最新内容后再提交 (${streamName} changed while this was being decided; read it again and resubmit)`,
      { stream: streamName, currentRevision },
    );
  }
}

/** The stream moved between reading and appending: decide again (commuting commands only). */
class DecideAgain extends Error {}

/**
 * Load → decide → append once with the expected revision. A command id already recorded as
 * causation in the stream returns that first outcome without deciding again. After a concurrent
 * append, a command that commutes ({@link Decider.commutes}) is loaded and decided again, a
 * bounded number of times with a short random pause (the one {@link retry}); one that does not is
 * refused with {@link ConcurrentChangeError} (409). With `envelope.expectedRevision` (a person's
 * If-Match) the stream must still be at that revision: otherwise, and after a concurrent append,
 * the command is refused with {@link StaleRevisionError} (412), never re-decided.
 */
export async function executeCommand<Command, State, Event extends DomainEvent>(
  store: EventStore,
  streamName: string,
  decider: Decider<Command, State, Event>,
  envelope: CommandEnvelope<Command>,
  options: ExecuteOptions = {},
): Promise<CommandResult<State>> {
  const clock = options.clock ?? (() => new Date());
  const reDecide = envelope.expectedRevision === undefined && decider.commutes(envelope.command);
  const attempt = async (): Promise<CommandResult<State>> => {
    const loaded = await loadStream(store, streamName, decider);
    // The state at the stream's current revision: snapshotted after the command when due.
    let latest: SnapshotPoint<State> = { state: loaded.state, revision: loaded.revision, eventId: loaded.lastEventId, stored: loaded.stored, rejected: loaded.rejected };
    try {
      return await decideAndAppend(loaded, (appended) => (latest = appended));
    } finally {
      await snapshotIfDue(store, streamName, decider, latest);
    }
  };
  const decideAndAppend = async (loaded: LoadedStream<State>, appended: (at: SnapshotPoint<State>) => void): Promise<CommandResult<State>> => {
    let state = loaded.state;
    const current = loaded.revision;
    const expected: ExpectedRevision = current >= 0 ? current : 'no-stream';

    const earlier = await earlierOutcome(store, streamName, loaded, envelope.commandId);
    if (earlier.length > 0) {
      return { state, events: earlier, revision: current, position: earlier[earlier.length - 1].position };
    }

    if (envelope.expectedRevision !== undefined && envelope.expectedRevision !== current) {
      throw new StaleRevisionError(streamName, current, envelope.expectedRevision, state);
    }

    const now = clock();
    const decided = decider.decide(envelope.command, state, { actor: envelope.actor, now });
    if (decided.length === 0) {
      return { state, events: [], revision: current };
    }
    const newEvents = decided.map((event, index) => newEventOf(event, index, envelope, now));
    try {
      const result = await measuredAppend(store, streamName, newEvents, expected);
      const firstRevision = result.nextRevision - newEvents.length + 1;
      const recorded = newEvents.map<AppendedEvent>((e, i) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata, revision: firstRevision + i }));
      for (const e of decided) state = decider.evolve(state, e);
      if (result.nextRevision === current + newEvents.length) {
        appended({ state, revision: result.nextRevision, eventId: newEvents[newEvents.length - 1].id, stored: loaded.stored, rejected: loaded.rejected });
      }
      return { state, events: recorded, revision: result.nextRevision, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (!reDecide) {
        const since = await store.readStream(streamName, { fromRevision: current + 1 });
        const revision = since.length ? since[since.length - 1].revision : current;
        if (envelope.expectedRevision !== undefined) throw new StaleRevisionError(streamName, revision, envelope.expectedRevision, foldOnto(decider, loaded.state, since));
        throw new ConcurrentChangeError(streamName, revision);
      }
      throw new DecideAgain();
    }
  };
  // One span per command (its load, decide and append; a refusal is an answer, not a failure).
  const attributes = { 'shecun.stream': streamName, 'shecun.command_id': envelope.commandId, 'shecun.correlation_id': envelope.correlationId };
  return inSpan(`command ${streamName.split('-')[0]}`, { attributes, expected: (error) => error instanceof DomainError }, async (span) => {
    const result = await retry(attempt, {
      attempts: options.maxAttempts ?? 8,
      minDelayMs: 5,
      maxDelayMs: 100,
      jitter: true,
      shouldRetry: (error) => error instanceof DecideAgain,
    }).catch((error: unknown) => {
      if (error instanceof DecideAgain) throw conflict(`too many concurrent changes to ${streamName}; please retry`, { stream: streamName });
      throw error;
    });
    span.setAttribute('shecun.events', result.events.length);
    if (result.position !== undefined) span.setAttribute('shecun.position', result.position);
    return result;
  });
}

/** The executor's append, counted and timed (`shecun_event_store_append*`): every command's events go through here. */
async function measuredAppend(store: EventStore, streamName: string, events: NewEvent[], expected: ExpectedRevision) {
  return inSpan('event store append', { attributes: { 'shecun.stream': streamName, 'shecun.events': events.length, 'shecun.expected_revision': String(expected) }, expected: (error) => error instanceof WrongExpectedRevisionError }, () => timedAppend(store, streamName, events, expected));
}

async function timedAppend(store: EventStore, streamName: string, events: NewEvent[], expected: ExpectedRevision) {
  const end = eventStoreAppendDuration.startTimer();
  try {
    const appended = await store.append(streamName, events, expected);
    eventStoreAppends.inc();
    return appended;
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) eventStoreAppendConflicts.inc();
    throw error;
  } finally {
    end();
  }
}

function newEventOf<Command>(event: DomainEvent, index: number, envelope: CommandEnvelope<Command>, now: Date): NewEvent {
  return eventToAppend(event, {
    id: eventIdOf(envelope.commandId, index),
    actor: envelope.actor,
    correlationId: envelope.correlationId,
    causationId: envelope.commandId,
    occurredAt: now.toISOString(),
  });
}

/**
 * The one way an event is made ready to append: its type's current schema version, and who, why
 * (correlation, causation), when, and the active trace context (`traceparent`, when tracing is on) in its metadata. The executor uses it for every decided event;
 * the few appends outside a decider (an audited read, a ledger checkpoint, a push) use it too.
 */
export function eventToAppend(event: DomainEvent, meta: { id: string; actor: Pick<Actor, 'id' | 'role' | 'organizationId'>; correlationId: string; causationId: string; occurredAt: string }): NewEvent {
  return {
    id: meta.id,
    type: event.type,
    schemaVersion: currentSchemaVersion(event.type),
    data: event.data,
    metadata: {
      actorId: meta.actor.id,
      actorRole: meta.actor.role,
      ...(meta.actor.organizationId ? { actorOrganizationId: meta.actor.organizationId } : {}),
      correlationId: meta.correlationId,
      causationId: meta.causationId,
      occurredAt: meta.occurredAt,
      // The trace of the request that appends it (W3C traceparent), for whoever reads the event to continue.
      ...traceCarrier(),
    },
  };
}
