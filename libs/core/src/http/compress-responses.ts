import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';
import { constants } from 'node:zlib';

const isEventStream = (request: Request, response: Response) =>
  String(request.headers.accept ?? '').includes('text/event-stream') || String(response.getHeader('Content-Type') ?? '').startsWith('text/event-stream');

/**
 * Answers compressed as the client accepts (brotli, else gzip) once over 1 kB: the console's files
 * and the API's JSON alike (a dashboard answer of 2 MB is a tenth of that on a phone's weak signal).
 * Never an event stream: each event must leave when it happens, not when a compressor's buffer fills.
 */
export function compressResponses(): RequestHandler {
  return compression({
    threshold: 1024,
    // Quality 5: most of brotli's gain at a fraction of its top quality's CPU (the answers are made per request).
    brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } },
    filter: (request, response) => !isEventStream(request as Request, response as Response) && compression.filter(request, response),
  });
}
