import { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Store, storage } from 'nestjs-pino/storage';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pino from 'pino';
import { pinoHttp } from 'pino-http';
import { correlationIdOf, RequestWithActor } from './command-context';

const SAFE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Paths polled by probes and scrapers: their answers are logged at debug, their failures as usual. */
const PROBE_PATHS = ['/health', '/health/live', '/metrics'];

/** The request's correlation id for its log line; a malformed header (answered 400 elsewhere) is left out. */
function correlationOrNone(request: IncomingMessage): string | undefined {
  try {
    return correlationIdOf(request as RequestWithActor);
  } catch {
    return undefined;
  }
}

/**
 * One JSON line per HTTP request when it is answered (pino-http): `reqId` (the client's X-Request-Id
 * if well formed, else a new one, sent back as X-Request-Id), `correlationId` (the id the request's
 * commands carry: X-Correlation-Id or a new one), method, URL, status and response time. Every log
 * entry written while the request is handled carries `reqId` too. Installed first, so that requests
 * answered by middlewares (the gateway's forwarded commands, refused bodies) are logged as well.
 */
export function logRequests(app: INestApplication, logger: pino.Logger): void {
  const middleware = pinoHttp({
    logger,
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const given = request.headers['x-request-id'];
      const id = typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
      response.setHeader('X-Request-Id', id);
      return id;
    },
    customProps: (request: IncomingMessage) => {
      const correlationId = correlationOrNone(request);
      return { reqId: (request as IncomingMessage & { id?: unknown }).id, ...(correlationId ? { correlationId } : {}) };
    },
    customLogLevel: (request: IncomingMessage, response: ServerResponse, error?: Error) => {
      if (error || response.statusCode >= 500) return 'error';
      if (response.statusCode >= 400) return 'warn';
      return PROBE_PATHS.includes((request.url ?? '').split('?')[0]) ? 'debug' : 'info';
    },
    serializers: {
      req: (request: { id?: unknown; method?: string; url?: string }) => ({ id: request.id, method: request.method, url: request.url }),
      res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
    },
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    middleware(request, response);
    // Loggers of nestjs-pino called while this request is handled write through its child (with reqId).
    storage.run(new Store((request as Request & { log: pino.Logger }).log), next);
  });
}
