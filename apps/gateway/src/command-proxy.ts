import type { NextFunction, Request, Response } from 'express';
import { SpanKind, trace } from '@opentelemetry/api';
import { correlationIdOf, inSpan, problem, PROBLEM_CONTENT_TYPE, RequestWithActor, retry, traceCarrier } from '@shecun/core';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';

/** Which service owns the commands under a path prefix. */
export interface CommandRoute {
  prefix: string;
  target: string;
  /** Forward reads too: the service keeps the only copy of this context's views (push feeds and their streams). */
  reads?: boolean;
}

const FORWARDED_HEADERS = ['content-type', 'content-length', 'idempotency-key', 'if-match', 'x-min-position', 'x-correlation-id', 'x-grant-id', 'authorization'];
const RETURNED_HEADERS = ['content-type', 'idempotent-replayed', 'location', 'cache-control', 'etag', 'x-position', 'x-consistency', 'x-consistency-pending', 'x-consistency-waited-ms'];

/**
 * Commands are HTTP requests forwarded, body untouched, to the service that owns them; the
 * service's answer (including problem+json errors) goes back as it is, streamed (a Server-Sent
 * Events stream passes through as it comes). Queries stay here, but for routes marked `reads`, and
 * so do the POSTs in `queries` (a question with a body, such as a team suggestion, that appends
 * nothing). `timeoutMs` bounds the wait for the service's answer to begin.
 *
 * A command that carries an Idempotency-Key is sent again, with the same key, when the owning
 * service cannot be reached at all (connection refused or reset: a restart, a deploy), a few
 * times with back-off within the timeout: the service answers a repeat once, so a restart costs
 * the caller latency, not a 503. Without a key, or once the service has answered, nothing is resent.
 */
export function commandProxy(routes: CommandRoute[], options: { queries?: string[]; timeoutMs?: number; retryAttempts?: number } = {}) {
  const { queries = [], timeoutMs = 15_000, retryAttempts = 6 } = options;
  return async (request: Request, response: Response, next: NextFunction) => {
    const read = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
    if (!read && queries.includes(request.path)) return next();
    const route = routes.find((r) => (!read || r.reads) && (request.path === r.prefix || request.path.startsWith(`${r.prefix}/`)));
    if (!route) return next();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    // The client went away: stop reading the service's answer (a stream would run on otherwise).
    response.once('close', () => abort.abort(new Error('client closed')));
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of request) {
        size += (chunk as Buffer).length;
        if (size > 256 * 1024) {
          clearTimeout(timer);
          response.status(413).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem(413, '请求体过大 (request body too large)')));
          return;
        }
        chunks.push(chunk as Buffer);
      }
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_HEADERS) {
        const value = request.header(name);
        if (value !== undefined) headers[name] = value;
      }
      // The service's events carry the correlation id the gateway logged the request with (a malformed one is forwarded as sent: the service refuses it).
      if (headers['x-correlation-id'] === undefined) headers['x-correlation-id'] = correlationIdOf(request as RequestWithActor);
      if (read) headers.accept = request.header('accept') ?? '*/*';
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const send = () => fetch(`${route.target}${request.originalUrl}`, { method: request.method, headers, body, signal: abort.signal });
      const resendable = !read && headers['idempotency-key'] !== undefined;
      // The request's span is named after the forwarded route; a CLIENT span lasts until the
      // service's answer begins, and the service continues it (W3C traceparent).
      const forwardedRoute = request.path === route.prefix ? route.prefix : `${route.prefix}/*`;
      trace.getActiveSpan()?.updateName(`${request.method} ${forwardedRoute}`).setAttribute('http.route', forwardedRoute);
      const attributes = { 'http.request.method': request.method, 'server.address': route.target, 'url.path': request.path };
      const upstream = await inSpan(`forward ${request.method} ${route.prefix}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
        Object.assign(headers, traceCarrier());
        const answer = resendable
          ? await retry(send, { attempts: retryAttempts, minDelayMs: 100, maxDelayMs: 2000, shouldRetry: (error) => !abort.signal.aborted && unreachable(error) })
          : await send();
        span.setAttribute('http.response.status_code', answer.status);
        return answer;
      });
      clearTimeout(timer);
      response.status(upstream.status);
      for (const name of RETURNED_HEADERS) {
        const value = upstream.headers.get(name);
        if (value !== null) response.setHeader(name, value);
      }
      if (!upstream.body) return void response.end();
      response.flushHeaders();
      Readable.fromWeb(upstream.body as ReadableStream<Uint8Array>)
        .on('error', () => response.destroy())
        .pipe(response);
    } catch (error) {
      clearTimeout(timer);
      if (response.headersSent) return void response.destroy();
      const detail = `服务暂不可用 (the owning service did not answer: ${error instanceof Error ? error.message : String(error)}); retry with the same Idempotency-Key`;
      response.status(503).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem(503, detail)));
    }
  };
}

/** The service could not be reached at all (nothing was received): safe to send a keyed command again. */
function unreachable(error: unknown): boolean {
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CONNECT_TIMEOUT';
}
