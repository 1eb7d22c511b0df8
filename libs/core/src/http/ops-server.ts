import { createServer, IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { collectProcessMetrics, metricsText } from '../metrics';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDetails } from '../problem';
import { answerClientErrorsAsProblems } from './client-error';

/** What GET /health answers: a status code and a JSON body (problem+json when the status is an error and the body a problem). */
export interface OpsHealth {
  status: number;
  body: unknown;
}

const PATHS = ['/health', '/health/live', '/metrics'];

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers });
  response.end(body);
}

const sendProblem = (response: ServerResponse, body: ProblemDetails, headers?: Record<string, string>) => send(response, body.status, PROBLEM_CONTENT_TYPE, JSON.stringify(body), headers);

const isProblem = (body: unknown): body is ProblemDetails => typeof body === 'object' && body !== null && typeof (body as ProblemDetails).type === 'string' && typeof (body as ProblemDetails).status === 'number';

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The HTTP answers of a process without a Nest app (the relay, the projector): GET /health (its
 * readiness, from `health`), GET /health/live (liveness: the process answers), GET /metrics (the
 * process's registry, Prometheus text format), and problem+json for anything else — 404 for
 * another path, 405 for another method.
 */
export function opsRequestListener(health: () => OpsHealth | Promise<OpsHealth>): RequestListener {
  const startedAt = Date.now();
  return (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (!PATHS.includes(path)) {
      return sendProblem(response, problem(404, `没有这个地址 (no such path: ${path}; this process answers ${PATHS.join(', ')})`, { instance: path }));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendProblem(response, problem(405, `${path} 只接受 GET (${path} answers GET only)`, { instance: path }), { allow: 'GET, HEAD' });
    }
    if (path === '/health/live') {
      return send(response, 200, 'application/json', JSON.stringify({ status: 'alive', pid: process.pid, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }));
    }
    if (path === '/health') {
      Promise.resolve()
        .then(health)
        .then(({ status, body }) => {
          const headers: Record<string, string> = { 'cache-control': 'no-store', ...(status === 503 ? { 'retry-after': '1' } : {}) };
          send(response, status, status >= 400 && isProblem(body) ? PROBLEM_CONTENT_TYPE : 'application/json', JSON.stringify(body), headers);
        })
        .catch((error: unknown) => sendProblem(response, problem(500, `健康检查失败 (the health check failed: ${errorMessage(error)})`, { instance: path })));
      return;
    }
    metricsText()
      .then(({ contentType, body }) => send(response, 200, contentType, body))
      .catch((error: unknown) => sendProblem(response, problem(500, `指标读取失败 (metrics could not be read: ${errorMessage(error)})`, { instance: path })));
  };
}

/** The relay's and the projector's HTTP server: {@link opsRequestListener}, with Node's process metrics, and unreadable requests answered as problems as on every app. */
export function createOpsServer(health: () => OpsHealth | Promise<OpsHealth>): Server {
  collectProcessMetrics();
  const server = createServer(opsRequestListener(health));
  answerClientErrorsAsProblems(server);
  return server;
}
