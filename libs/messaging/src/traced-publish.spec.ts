import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { contextFromCarrier, eventToAppend, inSpan } from '@shecun/core';
import { SqliteEventStore, START } from '@shecun/event-store';
import { fromBusMessage } from './integration-events';
import { EventRelay } from './relay';
import { BusMessage, MessageBus } from './types';

const actor = { id: 'cadre-1', role: 'coordinator' as const };
const checkpoints = { load: async () => START, save: async () => undefined, acquire: async () => undefined, release: async () => undefined };

/** The relay continues, in Kafka message headers, the trace an event's metadata carries (a real SDK, spans kept in memory). */
describe('the relay publishing traced events', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let store: SqliteEventStore;
  beforeAll(() => provider.register());
  beforeEach(() => (store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 20 })));
  afterEach(async () => {
    exporter.reset();
    await store.close();
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('given an event appended in a span and one appended without, then each message carries a publish span as traceparent: the first a child of the appending span, the second a trace of its own', async () => {
    const appending = await inSpan('command need', {}, async (span) => {
      await store.append('need-1', [eventToAppend({ type: 'NeedDrafted', data: {} }, { id: '00000000-0000-4000-8000-000000000001', actor, correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00Z' })], 'no-stream');
      return span.spanContext();
    });
    await store.append('need-2', [eventToAppend({ type: 'NeedDrafted', data: {} }, { id: '00000000-0000-4000-8000-000000000002', actor, correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00Z' })], 'no-stream');
    const published: BusMessage[] = [];
    const bus: MessageBus = { publish: async (_topic, messages) => void published.push(...messages), consume: () => Promise.reject(new Error('not used')), close: async () => undefined };
    const relay = new EventRelay(store, bus, checkpoints, { topicFor: () => 'shecun.needs.v1' });
    await relay.publishBatch(await store.readAll(START, 10));

    const spans = exporter.getFinishedSpans().filter((s) => s.name === 'publish shecun.needs.v1');
    expect(spans).toHaveLength(2);
    const [first, second] = published;
    const firstSpan = spans.find((s) => s.attributes['messaging.message.id'] === '00000000-0000-4000-8000-000000000001')!;
    expect(firstSpan.spanContext().traceId).toBe(appending.traceId);
    expect(firstSpan.parentSpanContext?.spanId).toBe(appending.spanId);
    expect(first.headers.traceparent).toBe(`00-${appending.traceId}-${firstSpan.spanContext().spanId}-01`);
    // The envelope keeps the appending span's context in the metadata too: a consumer may link to it.
    expect(trace.getSpanContext(contextFromCarrier(fromBusMessage(first).metadata))?.spanId).toBe(appending.spanId);

    const secondSpan = spans.find((s) => s.attributes['messaging.message.id'] === '00000000-0000-4000-8000-000000000002')!;
    expect(secondSpan.parentSpanContext).toBeUndefined();
    expect(secondSpan.spanContext().traceId).not.toBe(appending.traceId);
    expect(second.headers.traceparent).toBe(`00-${secondSpan.spanContext().traceId}-${secondSpan.spanContext().spanId}-01`);
  });

  it('given a broker refusing the batch, then the publish spans end marked failed', async () => {
    await store.append('need-3', [eventToAppend({ type: 'NeedDrafted', data: {} }, { id: '00000000-0000-4000-8000-000000000003', actor, correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00Z' })], 'no-stream');
    const bus: MessageBus = { publish: () => Promise.reject(new Error('broker away')), consume: () => Promise.reject(new Error('not used')), close: async () => undefined };
    const relay = new EventRelay(store, bus, checkpoints, { topicFor: () => 'shecun.needs.v1' });
    await expect(relay.publishBatch(await store.readAll(START, 10))).rejects.toThrow('broker away');
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.status.code, s.status.message])).toEqual([['publish shecun.needs.v1', 2, 'broker away']]);
  });
});
