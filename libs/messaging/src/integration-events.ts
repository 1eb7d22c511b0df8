import { RecordedEvent, upcastEvent } from '@shecun/event-store';
import { BusMessage } from './types';

/**
 * Events cross the bus as versioned integration events: the envelope a consumer needs (id, type,
 * schema version, data, metadata, stream, revision, position), keyed by stream so one aggregate's
 * events stay in order. A context that must hide internals maps its events before they get here.
 */
export interface IntegrationEnvelope {
  v: 1;
  id: string;
  type: string;
  schemaVersion: number;
  streamName: string;
  revision: number;
  position: number;
  data: unknown;
  metadata: RecordedEvent['metadata'];
}

export function toBusMessage(event: RecordedEvent): BusMessage {
  const envelope: IntegrationEnvelope = {
    v: 1,
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamName: event.streamName,
    revision: event.revision,
    position: event.position,
    data: event.data,
    metadata: event.metadata,
  };
  return {
    key: event.streamName,
    value: JSON.stringify(envelope),
    headers: { 'event-id': event.id, 'event-type': event.type, 'schema-version': String(event.schemaVersion), 'content-type': 'application/json' },
  };
}

export function fromBusMessage(message: Pick<BusMessage, 'value'>): RecordedEvent {
  const envelope = JSON.parse(message.value) as IntegrationEnvelope;
  if (envelope.v !== 1) throw new Error(`unsupported integration envelope version ${String(envelope.v)}`);
  const { v: _v, ...event } = envelope;
  // In the current shape of its type, as an event read from the store is.
  return upcastEvent(event);
}

/**
 * The catalogue of published streams: each stream family (the stream name up to its first `-`)
 * and the topic of the context that owns it. Each context declares its own families (`streams` in
 * its context definition); the hosting apps build the catalogue from their list of contexts. A
 * stream of a family not listed is an error, never a catch-all topic.
 */
export class StreamCatalogue {
  private readonly families: ReadonlyMap<string, string>;
  /** The event types each family publishes, where its context declares them. */
  private readonly types: ReadonlyMap<string, ReadonlySet<string>>;
  /** Every topic the catalogue publishes to. */
  readonly topics: readonly string[];

  /** From each context's families; a family two contexts claim is an error at start-up. */
  constructor(declarations: ReadonlyArray<{ name: string; streams: Readonly<Record<string, string>>; events?: Readonly<Record<string, readonly string[]>> }>) {
    const families = new Map<string, string>();
    const owners = new Map<string, string>();
    const types = new Map<string, ReadonlySet<string>>();
    for (const { name, streams, events } of declarations) {
      for (const [family, list] of Object.entries(events ?? {})) types.set(family, new Set(list));
      for (const [family, topic] of Object.entries(streams)) {
        const owner = owners.get(family);
        if (owner !== undefined) throw new Error(`stream family "${family}" is declared by both ${owner} and ${name}`);
        owners.set(family, name);
        families.set(family, topic);
      }
    }
    this.families = families;
    this.types = types;
    this.topics = [...new Set(families.values())];
  }

  /** Topic per bounded context, from the stream name's family (`need-…` → `shecun.needs.v1`). */
  topicFor(streamName: string): string {
    const topic = this.families.get(streamName.split('-')[0]);
    if (!topic) throw new UnknownStreamError(streamName);
    return topic;
  }

  /**
   * The topic of one event to publish: its stream's family must be declared, and so must its type
   * when the family's context lists its types (the published language, docs/events.md). An event
   * of a type no context declares is refused ({@link UndeclaredEventError}), never published.
   */
  topicOf(event: Pick<RecordedEvent, 'streamName' | 'type'>): string {
    const topic = this.topicFor(event.streamName);
    const declared = this.types.get(event.streamName.split('-')[0]);
    if (declared && !declared.has(event.type)) throw new UndeclaredEventError(event);
    return topic;
  }

  /** Refuses topics outside the catalogue (a feed or a consumer naming one would wait forever). */
  check(topics: readonly string[]): void {
    const unknown = topics.filter((t) => !this.topics.includes(t));
    if (unknown.length) throw new Error(`unknown topics ${unknown.join(', ')}; the catalogue publishes ${this.topics.join(', ')}`);
  }
}

export class UnknownStreamError extends Error {
  constructor(streamName: string) {
    super(`stream ${streamName}: its family "${streamName.split('-')[0]}" is declared by no context (\`streams\` in its context definition)`);
  }
}

export class UndeclaredEventError extends Error {
  constructor(event: Pick<RecordedEvent, 'streamName' | 'type'>) {
    super(`event type "${event.type}" (stream ${event.streamName}) is declared by no context: add it to \`events\` in its context definition (docs/events.md lists the published ones)`);
  }
}
