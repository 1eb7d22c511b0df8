import type { NextFunction, Request, Response } from 'express';
import { problem, PROBLEM_CONTENT_TYPE } from '@shecun/core';

/** Which service owns the commands under a path prefix. */
export interface CommandRoute {
  prefix: string;
  target: string;
}

const FORWARDED_HEADERS = ['content-type', 'content-length', 'idempotency-key', 'x-correlation-id', 'x-grant-id', 'authorization'];
const RETURNED_HEADERS = ['content-type', 'idempotent-replayed', 'location'];

/**
 * Commands are HTTP requests forwarded, body untouched, to the service that owns them; the
 * service's answer (including problem+json errors) goes back as it is. Queries stay here, and so
 * do the POSTs in `queries` (a question with a body, such as a team suggestion, that appends nothing).
 */
export function commandProxy(routes: CommandRoute[], options: { queries?: string[]; timeoutMs?: number } = {}) {
  const { queries = [], timeoutMs = 15_000 } = options;
  return async (request: Request, response: Response, next: NextFunction) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return next();
    if (queries.includes(request.path)) return next();
    const route = routes.find((r) => request.path === r.prefix || request.path.startsWith(`${r.prefix}/`));
    if (!route) return next();
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of request) {
        size += (chunk as Buffer).length;
        if (size > 256 * 1024) {
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
      const upstream = await fetch(`${route.target}${request.originalUrl}`, {
        method: request.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      response.status(upstream.status);
      for (const name of RETURNED_HEADERS) {
        const value = upstream.headers.get(name);
        if (value !== null) response.setHeader(name, value);
      }
      response.send(Buffer.from(await upstream.arrayBuffer()));
    } catch (error) {
      const detail = `服务暂不可用 (the owning service did not answer: ${error instanceof Error ? error.message : String(error)}); retry with the same Idempotency-Key`;
      response.status(503).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem(503, detail)));
    }
  };
}
