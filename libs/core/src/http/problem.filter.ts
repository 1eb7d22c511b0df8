import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, DomainErrorKind } from '../domain-error';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDetails } from '../problem';

const STATUS_OF: Record<DomainErrorKind, number> = { invalid: 422, conflict: 409, 'not-found': 404, forbidden: 403, stale: 412 };

/** Turns any error into an RFC 9457 problem; only unexpected errors become 500, and are logged. */
export function toProblem(exception: unknown, instance?: string): ProblemDetails {
  if (exception instanceof DomainError) {
    return problem(STATUS_OF[exception.kind], exception.message, { instance, ...(exception.details ?? {}) });
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'string') return problem(status, response, { instance });
    const { message, error: _error, statusCode: _statusCode, ...rest } = response as Record<string, unknown>;
    const detail = Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
    return problem(status, detail, { instance, ...rest });
  }
  const bodyParserError = exception as { type?: string; status?: number; expose?: boolean; message?: string };
  if (bodyParserError?.type === 'entity.parse.failed') {
    return problem(400, '请求体不是有效的 JSON (request body is not valid JSON)', { instance });
  }
  if (bodyParserError?.type === 'entity.too.deep') {
    return problem(400, bodyParserError.message ?? `请求体嵌套过深 (JSON nested too deeply)`, { instance });
  }
  if (bodyParserError?.type === 'entity.too.large') {
    return problem(413, '请求体过大 (request body too large)', { instance });
  }
  if (typeof bodyParserError?.status === 'number' && bodyParserError.status >= 400 && bodyParserError.status < 500 && bodyParserError.expose) {
    return problem(bodyParserError.status, bodyParserError.message ?? 'bad request', { instance });
  }
  return problem(500, '服务器内部错误 (internal error); the incident was logged', { instance });
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const body = toProblem(exception, request?.originalUrl);
    if (body.status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    sendProblem(response, body);
  }
}

export function sendProblem(response: Response, body: ProblemDetails): void {
  if (response.headersSent) return;
  response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
