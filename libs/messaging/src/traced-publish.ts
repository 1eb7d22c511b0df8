import { Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextFromCarrier, traceCarrier, tracer } from '@shecun/core';
import { RecordedEvent } from '@shecun/event-store';
import { toBusMessage } from './integration-events';
import { BusMessage } from './types';

/**
 * Publishes one topic's events, each in a PRODUCER span (`publish <topic>`) continuing the trace
 * its metadata carries (the request that appended it); each message's headers carry that span's
 * `traceparent`, for the consumers. The spans end once the broker acknowledged (or refused).
 * Without tracing (the API's no-op tracer and propagator), the headers carry nothing more.
 */
export async function publishTraced(topic: string, events: RecordedEvent[], publish: (messages: BusMessage[]) => Promise<void>): Promise<void> {
  const spans: Span[] = [];
  const messages = events.map((event) => {
    const parent = contextFromCarrier(event.metadata);
    const span = tracer().startSpan(
      `publish ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.message.id': event.id, 'shecun.event_type': event.type, 'shecun.position': event.position },
      },
      parent,
    );
    spans.push(span);
    const message = toBusMessage(event);
    return { ...message, headers: { ...message.headers, ...traceCarrier(trace.setSpan(parent, span)) } };
  });
  try {
    await publish(messages);
  } catch (error) {
    for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}
