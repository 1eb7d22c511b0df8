import { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectProcessMetrics, httpRequestDuration, metricsText } from '../metrics';
import { sendProblem, toProblem } from './problem.filter';

/** Route label of a request no route answered (a 404, or refused by a middleware before routing). */
export const UNMATCHED_ROUTE = '(unmatched)';

/** The route pattern that answered a request (`/api/needs/:id`), never its URL: one series per route, not per id. */
export function routeLabel(request: Request): string {
  const route = (request as Request & { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? `${request.baseUrl}${route.path}` : UNMATCHED_ROUTE;
}

/**
 * Times every request into `http_request_duration_seconds` and serves the process's registry at
 * GET /metrics (Prometheus text format, outside /api, no sign-in: scrapers reach it from inside
 * the network). Called first in the app's setup, so that the timing sees every request.
 */
export function serveMetrics(app: INestApplication): void {
  collectProcessMetrics();
  app.use((request: Request, response: Response, next: NextFunction) => {
    const end = httpRequestDuration.startTimer();
    response.once('finish', () => end({ method: request.method, route: routeLabel(request), status: String(response.statusCode) }));
    next();
  });
  app.getHttpAdapter().get('/metrics', (request: Request, response: Response) => {
    metricsText()
      .then(({ contentType, body }) => response.status(200).setHeader('Content-Type', contentType).end(body))
      .catch((error: unknown) => sendProblem(response, toProblem(error, request.originalUrl)));
  });
}
