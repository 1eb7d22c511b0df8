import { createServer, IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { collectProcessMetrics, metricsText } from '../metrics';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDetails } from '../problem';
import { answerClientErrorsAsProblems } from './client-error';

/** What GET /health answers: a status code and a JSON body. */
export interface OpsHealth {
  status: number;
  body: unknown;
}

const PATHS = ['/health', '/metrics'];

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers });
  response.end(body);
}

const sendProblem = (response: ServerResponse, body: ProblemDetails, headers?: Record<string, string>) => send(response, body.status, PROBLEM_CONTENT_TYPE, JSON.stringify(body), headers);

/**
 * The HTTP answers of a process without a Nest app (the relay, the projector): GET /health (its
 * readiness, from `health`), GET /metrics (the process's registry, Prometheus text format), and
 * problem+json for anything else — 404 for another path, 405 for another method.
 */
export function opsRequestListener(health: () => OpsHealth): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (!PATHS.includes(path)) {
      return sendProblem(response, problem(404, `没有这个地址 (no such path: ${path}; this process answers ${PATHS.join(' and ')})`, { instance: path }));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendProblem(response, problem(405, `${path} 只接受 GET (${path} answers GET only)`, { instance: path }), { allow: 'GET, HEAD' });
    }
    if (path === '/health') {
      const { status, body } = health();
      return send(response, status, 'application/json', JSON.stringify(body));
    }
    metricsText()
      .then(({ contentType, body }) => send(response, 200, contentType, body))
      .catch((error: unknown) => sendProblem(response, problem(500, `指标读取失败 (metrics could not be read: ${error instanceof Error ? error.message : String(error)})`, { instance: path })));
  };
}

/** The relay's and the projector's HTTP server: {@link opsRequestListener}, with Node's process metrics, and unreadable requests answered as problems as on every app. */
export function createOpsServer(health: () => OpsHealth): Server {
  collectProcessMetrics();
  const server = createServer(opsRequestListener(health));
  answerClientErrorsAsProblems(server);
  return server;
}
