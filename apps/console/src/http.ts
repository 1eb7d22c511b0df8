import type { ApiCommand } from './api/commands';
import type { Session } from './auth';

// ---------------------------------------------------------------------------------------------
// Requests: the signed-in session's bearer token, its renewal, the API's problem+json errors
// ---------------------------------------------------------------------------------------------

/** A failed request: `status` is absent when no answer came back (network error). */
export class ApiError extends Error {
  constructor(
    readonly detail: string,
    readonly status?: number,
  ) {
    super(detail);
  }

  get network(): boolean {
    return this.status === undefined;
  }
}

let session: Session | null = null;
let onUnauthorized: (() => void) | null = null;

/** Who the requests act for: the signed-in session's bearer token. */
export const setRequestSession = (next: Session | null) => {
  session = next;
};

/** Called when the server answers 401 to a request made within a session (the sign-in ran out). */
export const setUnauthorizedHandler = (handler: (() => void) | null) => {
  onUnauthorized = handler;
};

let renewer: (() => Promise<Session | null>) | null = null;
let renewing: Promise<Session | null> | null = null;

/**
 * Renews the session with its refresh token when the access token is refused (it lives 15
 * minutes): `renew` answers the new session, or null when the session has ended for good.
 */
export const setSessionRenewer = (renew: (() => Promise<Session | null>) | null) => {
  renewer = renew;
};

/** One renewal at a time for the whole page; true when the request may be sent again with the new token. */
async function renewed(sent: Session | null): Promise<boolean> {
  if (!sent || !renewer) return false;
  // Another request renewed the session meanwhile: use its token.
  if (session && session !== sent && session.accessToken !== sent.accessToken) return true;
  renewing ??= renewer().finally(() => {
    renewing = null;
  });
  const next = await renewing.catch(() => null);
  return !!next;
}

const authorization = (): Record<string, string> => (session ? { Authorization: `Bearer ${session.accessToken}` } : {});

/** The message of a problem+json answer (its detail, else its title), or the status. */
async function problemDetail(response: Response): Promise<string> {
  try {
    const problem = JSON.parse(await response.text()) as { detail?: unknown; title?: unknown };
    if (typeof problem.detail === 'string' && problem.detail) return problem.detail;
    if (typeof problem.title === 'string') return problem.title;
  } catch {
    /* not JSON: a proxy's error page, say */
  }
  return `HTTP ${response.status}`;
}

/** How a request goes out: `fetch`, or XMLHttpRequest where the upload's progress is shown. */
type Transport = (path: string, init: RequestInit & { headers: Record<string, string> }) => Promise<Response>;

/** Sending the bytes: the fraction sent so far (0–1), as the browser reports it. */
export type UploadProgress = (fraction: number) => void;

/**
 * XMLHttpRequest, whose upload reports its progress (fetch's does not); answered as a Response,
 * rejected as fetch would be when no answer came (a TypeError) or the request was aborted.
 */
const withProgress =
  (onProgress: UploadProgress): Transport =>
  (path, init) =>
    new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(init.method ?? 'GET', path);
      for (const [name, value] of Object.entries(init.headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, headers: { 'Content-Type': xhr.getResponseHeader('Content-Type') ?? '' } }));
      xhr.onerror = () => reject(new TypeError('network error'));
      xhr.ontimeout = () => reject(new TypeError('network timeout'));
      xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
      init.signal?.addEventListener('abort', () => xhr.abort());
      xhr.send(init.body as XMLHttpRequestBodyInit | null);
    });

/**
 * Every request of the console: sent with the bearer token (unless `anonymous`); a 401 within a
 * session renews the session once and sends the same request again (with the same
 * Idempotency-Key: a command is never done twice), else the sign-in is asked for; any other
 * failure is an ApiError with the API's message. An aborted request rejects as it is.
 */
async function send(path: string, init: RequestInit & { headers?: Record<string, string> }, anonymous = false, transport: Transport = fetch): Promise<Response> {
  const sent = anonymous ? null : session;
  for (let retried = false; ; retried = true) {
    let response: Response;
    try {
      response = await transport(path, { ...init, headers: { ...init.headers, ...(anonymous ? {} : authorization()) } });
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw error;
      throw new ApiError('网络连接失败 (network error)');
    }
    if (response.ok) return response;
    if (response.status === 401 && sent) {
      if (!retried && (await renewed(sent))) continue;
      onUnauthorized?.();
    }
    throw new ApiError(await problemDetail(response), response.status);
  }
}

export interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
  minPosition?: number | null;
  /** The revision the person saw (the resource's ETag): sent as If-Match; a newer one answers 412. */
  ifMatch?: number;
  signal?: AbortSignal;
  /** Send no credentials (sign-in itself). */
  anonymous?: boolean;
  /** A multipart body (file uploads) instead of JSON. */
  form?: FormData;
}

/**
 * Read your writes, for the whole page: the highest position a command of this page was answered
 * with (its X-Position). Every read sends it back as X-Min-Position, so a list fetched again after
 * a command shows that command's effect (the API waits for its read models, up to its deadline)
 * instead of the rows from before it. A read the API answered as stale (the read models did not
 * get there in time) stops the later reads from waiting for the same position again.
 */
let written: number | null = null;

/** The position this page's reads wait for (the last command's), or null. */
export const writtenPosition = () => written;

function noteWritten(response: Response) {
  const raw = response.headers.get('X-Position');
  const position = raw === null ? NaN : Number(raw);
  if (Number.isSafeInteger(position) && position >= 0 && (written === null || position > written)) written = position;
}

export async function request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (options.body !== undefined && !options.form) headers['Content-Type'] = 'application/json';
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  const asked = options.minPosition ?? null;
  const minPosition = method === 'GET' && !options.anonymous ? Math.max(asked ?? -1, written ?? -1) : (asked ?? -1);
  if (minPosition >= 0) headers['X-Min-Position'] = String(minPosition);
  if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`;
  const response = await send(
    path,
    { method, headers, body: options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)), signal: options.signal },
    options.anonymous,
  );
  if (method !== 'GET') noteWritten(response);
  else if (response.headers.get('X-Consistency') === 'stale' && written !== null && written <= minPosition) written = null;
  const text = await response.text();
  try {
    return (text ? JSON.parse(text) : undefined) as T;
  } catch {
    return undefined as T; // not JSON
  }
}

export const get = <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options);

/** POSTs a command (made by `post`, its body checked against the route's DTO) as JSON. */
export const sendCommand = <T>(command: ApiCommand, options: Omit<RequestOptions, 'body' | 'form'> = {}) =>
  request<T>('POST', command.path, { ...options, body: command.body });

/**
 * Downloads a file the API serves to the signed-in user (exports): fetched with the bearer token,
 * then saved from a blob under `filename`. Errors are the API's problem+json, as for `request`.
 */
export async function download(path: string, filename: string): Promise<number> {
  const blob = await fetchBlob(path);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return blob.size;
}

/** A file fetched with the bearer token (evidence files, exports): a blob to show, open or save. */
export async function fetchBlob(path: string): Promise<Blob> {
  return (await send(path, {})).blob();
}

/**
 * Follows a Server-Sent Events route with the bearer token (EventSource cannot send one): each
 * event of `type` has its data, parsed as JSON, go to `onEvent` until `signal` aborts (other events,
 * such as keep-alive pings, are skipped); `onOpen` once the server answered. Resolves when the server
 * ends the stream; rejects on a network error or an error status (the API's problem+json message).
 */
export async function follow<T>(path: string, type: string, onEvent: (data: T, id: string | undefined) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
  const response = await send(path, { headers: { Accept: 'text/event-stream' }, signal });
  if (!response.body) throw new ApiError(`HTTP ${response.status}`, response.status);
  onOpen?.();
  // The parser loads with the first stream followed (no page shows one on first paint).
  const { EventSourceParserStream } = await import('eventsource-parser/stream');
  const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value.event !== type) continue; // pings and anything else
      onEvent(JSON.parse(value.data) as T, value.id);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

export interface UploadedEvidence {
  sha256: string;
  mediaType: string;
  size: number;
  thumbnail?: string;
}

/** Uploads one evidence file (multipart): checked by content and stored by its SHA-256 on the server. */
export async function uploadEvidence(file: Blob, keepMetadata = false, onProgress?: UploadProgress, signal?: AbortSignal): Promise<UploadedEvidence> {
  const form = new FormData();
  if (keepMetadata) form.append('keepMetadata', 'true');
  form.append('file', file);
  const response = await send('/api/evidence', { method: 'POST', headers: { Accept: 'application/json, application/problem+json' }, body: form, signal }, false, onProgress ? withProgress(onProgress) : fetch);
  return (await response.json()) as UploadedEvidence;
}

/** A fresh Idempotency-Key: also where crypto.randomUUID is missing (plain http on a LAN address). */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
