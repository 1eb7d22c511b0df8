import { Attributes, Context, context, Link, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/** The tracer of the platform's own spans (a no-op one until {@link startTracing} registers a provider). */
export const tracer = () => trace.getTracer('shecun');

/**
 * The W3C trace context of `ctx` (the active one by default) as plain strings: `traceparent`, and
 * `tracestate` when there is one. Empty when nothing is traced. Written into each appended event's
 * metadata and into the headers of forwarded requests and Kafka messages.
 */
export function traceCarrier(ctx: Context = context.active()): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The context a carrier (event metadata, message or request headers) continues; the root context when it carries none. */
export function contextFromCarrier(carrier: Readonly<Record<string, unknown>> | undefined): Context {
  if (!carrier || typeof carrier.traceparent !== 'string') return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent: carrier.traceparent, ...(typeof carrier.tracestate === 'string' ? { tracestate: carrier.tracestate } : {}) });
}

/** The span a context carries, as a link (for a span that has another parent); none when it carries no valid span. */
export function linkTo(ctx: Context, attributes?: Attributes): Link[] {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext, ...(attributes ? { attributes } : {}) }] : [];
}

export interface InSpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** The parent; the active context by default. */
  parent?: Context;
  /** Errors that are answers, not failures (a refused command): recorded as an event, the span not marked failed. */
  expected?: (error: unknown) => boolean;
}

/**
 * Runs `work` in a new span, active while it runs (spans started inside are its children), ended
 * when it settles; an error marks the span failed unless `expected`.
 */
export function inSpan<T>(name: string, options: InSpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const { parent = context.active(), expected, ...spanOptions } = options;
  return tracer().startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      if (!expected?.(error)) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      } else span.addEvent('refused', { 'exception.message': error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
