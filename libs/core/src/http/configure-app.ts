import { INestApplication, UnsupportedMediaTypeException } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { positiveNumberEnv } from '../env';
import { jsonLogs } from '../logging';
import { answerClientErrorsAsProblems } from './client-error';
import { compressResponses } from './compress-responses';
import { traceHttpServer } from './http-server-spans';
import { JSON_MEDIA_TYPES, jsonBodyParser } from './json-body';
import { serveMetrics } from './metrics-endpoint';
import { ProblemFilter, sendProblem, toProblem } from './problem.filter';
import { READ_POSITION, ReadPosition, ReadYourWritesInterceptor } from './read-your-writes';
import { logRequests } from './request-logs';
import { TimeoutInterceptor } from './timeout.interceptor';
import { createValidationPipe } from './validation';

export interface HttpAppOptions {
  title: string;
  description?: string;
  /** Largest accepted JSON body. Default 256 KB. */
  bodyLimit?: string;
  /** A route still unanswered after this many milliseconds answers 503. Default 15 s. */
  requestTimeoutMs?: number;
  /** How long a read with X-Min-Position waits for the read models. Default 5 s (at most half the request timeout). */
  readYourWritesTimeoutMs?: number;
}

/** Default of REQUEST_TIMEOUT_MS. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** Default of READ_YOUR_WRITES_TIMEOUT_MS (never more than half the request timeout). */
export const DEFAULT_READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

const readYourWritesDefault = (requestTimeoutMs: number) => Math.min(DEFAULT_READ_YOUR_WRITES_TIMEOUT_MS, Math.floor(requestTimeoutMs / 2));

/**
 * The HTTP settings every app reads from its environment, parsed once at start (anything else
 * stops the start): REQUEST_TIMEOUT_MS (a positive number of milliseconds, 15000 when unset) and
 * READ_YOUR_WRITES_TIMEOUT_MS (how long a read with X-Min-Position may wait; 5000 when unset, and
 * below the request timeout).
 */
export function httpOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): { requestTimeoutMs: number; readYourWritesTimeoutMs: number } {
  const requestTimeoutMs = positiveNumberEnv('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS);
  // Timers hold at most 2^31-1 ms (about 24 days); a larger value would fire at once.
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs > 2_147_483_647) {
    throw new Error(`REQUEST_TIMEOUT_MS must be a whole number of milliseconds up to 2147483647 (got "${env.REQUEST_TIMEOUT_MS}")`);
  }
  const readYourWritesTimeoutMs = positiveNumberEnv('READ_YOUR_WRITES_TIMEOUT_MS', env.READ_YOUR_WRITES_TIMEOUT_MS, readYourWritesDefault(requestTimeoutMs));
  if (!Number.isInteger(readYourWritesTimeoutMs) || readYourWritesTimeoutMs >= requestTimeoutMs) {
    throw new Error(`READ_YOUR_WRITES_TIMEOUT_MS must be a whole number of milliseconds below REQUEST_TIMEOUT_MS (${requestTimeoutMs}) (got "${env.READ_YOUR_WRITES_TIMEOUT_MS}")`);
  }
  return { requestTimeoutMs, readYourWritesTimeoutMs };
}

/** Routes that take a file as multipart/form-data (parsed by multer on the route, with its own limits) besides JSON. */
export const MULTIPART_PATHS = ['/api/evidence', '/api/users/import'];

/**
 * The HTTP conventions every app shares: JSON bodies with a size and a nesting limit, malformed
 * JSON as a 400 problem, requests the HTTP parser refuses (headers too large…) answered as
 * problems too, validation of every DTO, a request timeout, RFC 9457 errors, OpenAPI at /api/docs,
 * Prometheus metrics at /metrics, answers compressed as the client accepts (not event streams), a
 * trace span per request when tracing is on, and — when the process's main started its JSON logs
 * (startJsonLogs) — Nest's logger through pino and one JSON line per request.
 * Create the app with `{ bodyParser: false }` so this parser is the only one.
 */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions): void {
  logHttpRequests(app);
  app.use(compressResponses());
  serveMetrics(app);
  // A body in any other format is refused, not silently read as empty.
  app.use((request: Request, response: Response, next: NextFunction) => {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (hasBody && !request.is(JSON_MEDIA_TYPES) && !(request.method === 'POST' && MULTIPART_PATHS.includes(request.path) && request.is('multipart/form-data'))) {
      return sendProblem(response, toProblem(new UnsupportedMediaTypeException('请求内容须为 JSON (send the body as application/json)'), request.originalUrl));
    }
    next();
  });
  app.use(jsonBodyParser({ limit: options.bodyLimit ?? '256kb' }));
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (!error) return next();
    sendProblem(response, toProblem(error, request.originalUrl));
  });
  app.useGlobalPipes(createValidationPipe());
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  app.useGlobalInterceptors(
    new TimeoutInterceptor(requestTimeoutMs),
    // Read-your-writes against whatever holds this app's read models (none: the header is ignored).
    new ReadYourWritesInterceptor(optionalProvider<ReadPosition>(app, READ_POSITION), { timeoutMs: options.readYourWritesTimeoutMs ?? readYourWritesDefault(requestTimeoutMs) }),
  );
  // Slow clients: the whole request must arrive within 30 s, its headers within 20 s.
  const server = app.getHttpServer() as Server;
  // A span per request when this process traces (startTracing in its main).
  traceHttpServer(server);
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  answerClientErrorsAsProblems(server);
  app.useGlobalFilters(new ProblemFilter());
  const document = openApiDocument(app, options);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

const logging = new WeakSet<INestApplication>();

/**
 * When the process's main started its JSON logs: Nest's logger of the app through pino, and one
 * JSON line per request from here on. configureHttpApp does it; an app with middlewares of its own
 * before that (the gateway's command proxy) calls it first, so that their requests are logged too.
 */
export function logHttpRequests(app: INestApplication): void {
  const logs = jsonLogs();
  if (!logs || logging.has(app)) return;
  logging.add(app);
  app.useLogger(logs.nest);
  logRequests(app, logs.root);
}

/** The app's OpenAPI document, as served at /api/docs-json (no server needed: read from the app's modules). */
export function openApiDocument(app: INestApplication, options: Pick<HttpAppOptions, 'title' | 'description'>): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(options.description ?? '')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'POST /api/auth/login gives a token' })
      .addSecurityRequirements('bearer')
      .build(),
  );
}

function optionalProvider<T>(app: INestApplication, token: symbol): T | undefined {
  try {
    return app.get<T>(token, { strict: false });
  } catch {
    return undefined;
  }
}
