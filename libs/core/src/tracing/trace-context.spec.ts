import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SqliteEventStore } from '@shecun/event-store';
import { executeCommand, eventToAppend } from '../command-executor';
import { Decider } from '../decider';
import { contextFromCarrier, inSpan, traceCarrier } from './trace-context';

type Command = { type: 'Write'; text: string };
type Event = { type: 'Written'; data: { text: string } };
const decider: Decider<Command, { text: string }, Event> = {
  initialState: { text: '' },
  decide: (command) => [{ type: 'Written', data: { text: command.text } }],
  evolve: (_state, event) => ({ text: event.data.text }),
  commutes: () => false,
};
const actor = { id: 'cadre-1', role: 'coordinator' as const, scope: '441826105201' };
const meta = { id: '00000000-0000-4000-8000-000000000001', actor, correlationId: 'corr', causationId: 'cmd', occurredAt: '2026-01-01T00:00:00Z' };

/** The trace context an appended event carries in its metadata, with a real SDK (spans kept in memory). */
describe('trace context in event metadata', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const dir = mkdtempSync(join(tmpdir(), 'trace-context-'));
  const store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
  beforeAll(() => provider.register());
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await store.close();
    await provider.shutdown();
    trace.disable();
    context.disable();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given an active span, when an event is made ready to append, then its metadata carries the span as traceparent, and extracting it continues the same trace', async () => {
    const { metadata, spanContext } = await inSpan('request', {}, async (span) => ({ metadata: eventToAppend({ type: 'Written', data: {} }, meta).metadata, spanContext: span.spanContext() }));
    expect(metadata.traceparent).toBe(`00-${spanContext.traceId}-${spanContext.spanId}-01`);
    const continued = trace.getSpanContext(contextFromCarrier(metadata));
    expect(continued).toMatchObject({ traceId: spanContext.traceId, spanId: spanContext.spanId, isRemote: true });
    // A span started from it is in the same trace, a child of the appending span.
    await inSpan('consumer', { parent: contextFromCarrier(metadata) }, async () => undefined);
    const consumer = exporter.getFinishedSpans().find((s) => s.name === 'consumer')!;
    expect(consumer.spanContext().traceId).toBe(spanContext.traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(spanContext.spanId);
  });

  it('given no active span, then the metadata carries no trace context and extracting nothing gives no span', () => {
    expect(eventToAppend({ type: 'Written', data: {} }, meta).metadata).not.toHaveProperty('traceparent');
    expect(traceCarrier()).toEqual({});
    expect(trace.getSpanContext(contextFromCarrier({ actorId: 'x' }))).toBeUndefined();
    expect(trace.getSpanContext(contextFromCarrier({ traceparent: 'not a traceparent' }))).toBeUndefined();
  });

  it('given a command executed in a request span, then the stored events carry the command span as traceparent, the command span is the request span\'s child, and its append a child of it', async () => {
    const requestSpan = await inSpan('POST /api/notes', {}, async (span) => {
      await executeCommand(store, 'note-1', decider, { command: { type: 'Write', text: 'hello' }, actor, commandId: 'cmd-1', correlationId: 'corr-1' });
      return span.spanContext();
    });
    const spans = exporter.getFinishedSpans();
    const command = spans.find((s) => s.name === 'command note')!;
    const append = spans.find((s) => s.name === 'event store append')!;
    expect(command.parentSpanContext?.spanId).toBe(requestSpan.spanId);
    expect(append.parentSpanContext?.spanId).toBe(command.spanContext().spanId);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([requestSpan.traceId]));
    expect(command.attributes).toMatchObject({ 'shecun.stream': 'note-1', 'shecun.command_id': 'cmd-1', 'shecun.events': 1 });

    // Read back from the store (not from the command's result): a reader continues the trace from there.
    const [stored] = await store.readStream('note-1');
    expect(stored.metadata.traceparent).toBe(`00-${requestSpan.traceId}-${command.spanContext().spanId}-01`);
    expect(trace.getSpanContext(contextFromCarrier(stored.metadata))?.traceId).toBe(requestSpan.traceId);
  });

  it('given a command refused by the stream (a domain error), then its span records the refusal without being marked failed', async () => {
    await expect(
      inSpan('request', {}, () => executeCommand(store, 'note-1', decider, { command: { type: 'Write', text: 'late' }, actor, commandId: 'cmd-2', correlationId: 'corr-2', expectedRevision: 7 })),
    ).rejects.toMatchObject({ kind: 'stale' });
    const command = exporter.getFinishedSpans().find((s) => s.name === 'command note')!;
    expect(command.status.code).toBe(0);
    expect(command.events.map((e) => e.name)).toEqual(['refused']);
    const request = exporter.getFinishedSpans().find((s) => s.name === 'request')!;
    expect(request.status.code).toBe(2);
  });
});
