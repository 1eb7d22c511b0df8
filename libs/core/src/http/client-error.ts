import { STATUS_CODES } from 'node:http';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { problem, PROBLEM_CONTENT_TYPE } from '../problem';

/** Largest size of a request's headers in all (Node's default). */
export const MAX_HEADER_BYTES = 16 * 1024;

/** What Node's HTTP parser reports about a request it could not read, as a status and a problem. */
export function clientErrorProblem(code: string | undefined): { status: number; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: `请求头过大 (request headers larger than ${MAX_HEADER_BYTES / 1024} KB in all)` };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, detail: '请求体分块扩展过大 (chunk extensions too large)' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: '请求未在时限内送达 (the request did not arrive in time)' };
    default:
      return { status: 400, detail: '请求格式有误 (malformed HTTP request)' };
  }
}

const answered = new WeakSet<Duplex>();

/**
 * A request Node's HTTP parser rejects before any route sees it (headers too large, a malformed
 * request line…) is answered with a problem+json document, as every other error is, rather than a
 * bare status line; then the connection closes.
 */
export function answerClientErrorsAsProblems(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    if (answered.has(socket)) return;
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    const { status, detail } = clientErrorProblem(error.code);
    const body = JSON.stringify(problem(status, detail));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
    // The client may still be sending: its bytes are read and dropped until it closes, so the
    // answer is not lost to a reset; a client that never closes is cut off after a while.
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    setTimeout(() => socket.destroy(), 5_000).unref();
  });
}
