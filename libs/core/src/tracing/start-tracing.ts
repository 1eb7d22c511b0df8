import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** A running tracer provider: `shutdown` exports the spans still buffered, then stops. */
export interface Tracing {
  serviceName: string;
  shutdown(): Promise<void>;
}

let started: Tracing | undefined;

/** The tracing this process started, if any (HTTP servers are instrumented only then). */
export const tracingStarted = (): Tracing | undefined => started;

/** Whether this environment asks for traces: an OTLP endpoint (for all signals, or for traces) is set. */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return tracesEndpoint(env) !== undefined;
}

/** Where spans go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, else OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces` (as the OTLP specification has it). */
export function tracesEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  return env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/**
 * Traces of this process, exported over OTLP/HTTP (JSON) to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or
 * to OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`; the service is OTEL_SERVICE_NAME, or `serviceName`.
 * Call it first in an app's main. Without an endpoint it does nothing and returns undefined: the
 * OpenTelemetry API stays on its no-op tracer and propagator, the SDK is not even loaded.
 *
 * Spans are exported in batches (a BatchSpanProcessor); what is still buffered is exported when
 * the process receives SIGTERM or SIGINT (while the app's own shutdown runs), or before it exits
 * on its own. Context travels as W3C `traceparent`: in HTTP headers, Kafka message headers and
 * the events' metadata.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!tracingRequested(env)) return undefined;
  if (started) return started;
  // Loaded only when tracing is on.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { ATTR_SERVICE_NAME } = require('@opentelemetry/semantic-conventions') as typeof import('@opentelemetry/semantic-conventions');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const name = env.OTEL_SERVICE_NAME || serviceName;
  const provider: NodeTracerProvider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: name, 'process.pid': process.pid }),
    // The exporter reads its other settings (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT…) from the environment itself.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesEndpoint(env) }))],
  });
  // The global tracer provider, AsyncLocalStorage context and the W3C trace-context propagator.
  provider.register();
  let stopped: Promise<void> | undefined;
  const shutdown = () => (stopped ??= provider.shutdown().catch((error: unknown) => console.warn(`traces: export on shutdown failed (${error instanceof Error ? error.message : String(error)})`)));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // First in line, so the app's own handlers (which may end with process.exit) run meanwhile;
    // when the app has none, the signal is raised again once the spans are out.
    process.prependOnceListener(signal, () => {
      const handled = process.listenerCount(signal) > 0;
      void shutdown().then(() => {
        if (!handled) process.kill(process.pid, signal);
      });
    });
  }
  process.once('beforeExit', () => void shutdown());
  started = { serviceName: name, shutdown };
  return started;
}
