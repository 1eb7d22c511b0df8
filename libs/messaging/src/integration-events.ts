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
 * and the topic of the context that owns it. A stream of a family not listed here is an error,
 * never a catch-all topic: a new context adds its families here and its projector feeds name
 * these topics.
 */
export const STREAM_TOPICS: Readonly<Record<string, string>> = {
  need: 'shecun.needs.v1',
  org: 'shecun.organizations.v1',
  pairing: 'shecun.organizations.v1',
  team: 'shecun.organizations.v1',
  donation: 'shecun.donations.v1',
  fund: 'shecun.donations.v1',
  ledger: 'shecun.donations.v1',
  user: 'shecun.identity.v1',
  session: 'shecun.identity.v1',
  access: 'shecun.identity.v1',
  push: 'shecun.push.v1',
};

/** Every topic the catalogue publishes to. */
export const TOPICS: readonly string[] = [...new Set(Object.values(STREAM_TOPICS))];

export class UnknownStreamError extends Error {
  constructor(streamName: string) {
    super(`stream ${streamName}: its family "${streamName.split('-')[0]}" is in no context's catalogue (STREAM_TOPICS in libs/messaging); add it there`);
  }
}

/** Topic per bounded context, from the stream name's family (`need-…` → `shecun.needs.v1`). */
export function topicForStream(streamName: string): string {
  const topic = STREAM_TOPICS[streamName.split('-')[0]];
  if (!topic) throw new UnknownStreamError(streamName);
  return topic;
}

/** Refuses topics outside the catalogue (a feed or a consumer naming one would wait forever). */
export function checkTopics(topics: readonly string[]): void {
  const unknown = topics.filter((t) => !TOPICS.includes(t));
  if (unknown.length) throw new Error(`unknown topics ${unknown.join(', ')}; the catalogue publishes ${TOPICS.join(', ')}`);
}
