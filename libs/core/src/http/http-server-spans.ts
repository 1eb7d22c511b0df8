import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { tracer, tracingStarted } from '../tracing';

/** Probes and scrapes: polled all the time, never part of a user's request. */
const UNTRACED = /^\/(health|ready|live|metrics)(\/|$)/;

/**
 * One SERVER span per HTTP request of this server, continuing the caller's W3C `traceparent`, and
 * active while the app handles it (so the gateway's forwarding, a command's decide and append are
 * its children). Named `METHOD route` once the route is known (`POST /api/needs`), else `METHOD`.
 * Wraps the server's request listeners, so it sees every request whatever the order of the app's
 * middleware (the gateway forwards commands before any Nest middleware runs). Does nothing unless
 * {@link startTracing} started tracing in this process.
 */
export function traceHttpServer(server: Server): void {
  if (!tracingStarted()) return;
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    const handle = () => listeners.forEach((listener) => listener.call(server, request, response));
    if (UNTRACED.test(path)) return handle();
    const method = request.method ?? 'GET';
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer().startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } }, parent);
    response.once('close', () => {
      const route = (request as IncomingMessage & { route?: { path?: unknown } }).route?.path;
      if (typeof route === 'string') {
        span.updateName(`${method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (!response.writableFinished) span.setAttribute('shecun.response_incomplete', true);
      span.end();
    });
    context.with(trace.setSpan(parent, span), handle);
  });
}
