import { RecordedEvent } from '@shecun/event-store';
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
  return event;
}

/** Topic per bounded context, from the stream name's prefix (`need-…` → `shecun.needs.v1`). */
export function topicForStream(streamName: string): string {
  const prefix = streamName.split('-')[0];
  const context: Record<string, string> = { need: 'needs', org: 'organizations', pairing: 'organizations', team: 'organizations', donation: 'donations', fund: 'donations', user: 'identity', session: 'identity', access: 'identity' };
  return `shecun.${context[prefix] ?? 'misc'}.v1`;
}
