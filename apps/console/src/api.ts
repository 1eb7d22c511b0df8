import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { Session } from './auth';
import { COMMITMENT_STATUS_LABELS, NEED_STATUS_LABELS, ROLE_LABELS } from './labels';
import type { Lang } from './i18n';

// ---------------------------------------------------------------------------------------------
// The API's shapes (libs/needs/src/need.presenter.ts, needs.queries.ts, regions.controller.ts)
// ---------------------------------------------------------------------------------------------

export interface LineItem {
  id: string;
  kind: string;
  description: string;
  unit: string;
  quantity: number;
  estimatedValueFen?: number;
  participants?: number;
  kindLabel: string;
  accepted: number;
  pending: number;
  delivered: number;
  lacking: number;
  status: string;
}

export interface ItemQuantity {
  lineItemId: string;
  quantity: number;
}

/** An uploaded evidence file as an event records it (older entries have none). */
export interface EvidenceFile {
  sha256: string;
  mediaType: string;
  size: number;
  uploadedBy: string;
  visibility: 'public' | 'internal';
  thumbnail?: string;
}

export interface EvidenceEntry {
  kind: string;
  ref: string;
  note?: string;
  file?: EvidenceFile;
}

export interface Delivery {
  id: string;
  items: ItemQuantity[];
  evidence: EvidenceEntry[];
  note: string;
  recordedAt: string;
  confirmedAt: string | null;
  noEvidenceReason?: string;
}

export interface Commitment {
  id: string;
  organizationId: string;
  organizationName: string;
  items: Array<ItemQuantity & { delivered: number }>;
  promisedBy: string;
  note: string;
  status: string;
  overdue: boolean;
  offeredAt: string;
  acceptedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  deliveries: Delivery[];
}

export interface NeedSummary {
  id: string;
  villageCode: string;
  title: string;
  description: string;
  category: string;
  categoryLabel: string;
  dueDate: string | null;
  autoAccept: boolean;
  status: string;
  lineItems: LineItem[];
  draftedAt: string | null;
  publishedAt: string | null;
  firstAcceptedAt: string | null;
  fulfilledAt: string | null;
  closedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
}

export interface NeedListItem extends NeedSummary {
  commitmentCount: number;
  overdueCount: number;
}

export interface Need extends NeedSummary {
  commitments: Commitment[];
  revision: number;
  position: number;
}

export interface NeedPage {
  page: number;
  pageSize: number;
  total: number;
  items: NeedListItem[];
}

export interface NeedEvent {
  revision: number;
  position: number;
  type: string;
  occurredAt: string;
  actor: { id: string; role: string; organizationId: string | null };
  data: Record<string, unknown>;
}

export interface CommandResult {
  needId: string;
  revision: number;
  position: number | null;
  commitmentId?: string;
  deliveryId?: string;
}

export interface OrganizationCommitment {
  needId: string;
  id: string;
  organizationId: string;
  organizationName: string;
  villageCode: string;
  needTitle: string;
  status: string;
  promisedBy: string;
  items: ItemQuantity[];
  deliveryCount: number;
  unconfirmedDeliveryCount: number;
  offeredAt: string;
  acceptedAt: string | null;
  closedAt: string | null;
  overdue: boolean;
}

export interface DivisionRef {
  code: string;
  name: string;
  level: string;
}

export interface Division extends DivisionRef {
  parentCode: string | null;
  path: DivisionRef[];
  children: DivisionRef[];
}

// ---------------------------------------------------------------------------------------------
// Requests
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

export interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
  minPosition?: number | null;
  signal?: AbortSignal;
  /** Send no credentials (sign-in itself). */
  anonymous?: boolean;
  /** A multipart body (file uploads) instead of JSON. */
  form?: FormData;
}

export async function request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}, retried = false): Promise<T> {
  const sent = options.anonymous ? null : session;
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...(options.anonymous ? {} : authorization()) };
  if (options.body !== undefined && !options.form) headers['Content-Type'] = 'application/json';
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  if (options.minPosition !== undefined && options.minPosition !== null) headers['X-Min-Position'] = String(options.minPosition);
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') throw error;
    throw new ApiError('网络连接失败 (network error)');
  }
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: a proxy's error page, say */
  }
  if (!response.ok) {
    if (response.status === 401 && sent) {
      // The same Idempotency-Key goes with the retry: a command is never done twice.
      if (!retried && (await renewed(sent))) return request<T>(method, path, options, true);
      onUnauthorized?.();
    }
    const problem = json as { detail?: unknown; title?: unknown } | undefined;
    const detail = typeof problem?.detail === 'string' && problem.detail ? problem.detail : typeof problem?.title === 'string' ? problem.title : `HTTP ${response.status}`;
    throw new ApiError(detail, response.status);
  }
  return json as T;
}

export const get = <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options);

/**
 * Downloads a file the API serves to the signed-in user (exports): fetched with the bearer token,
 * then saved from a blob under `filename`. Errors are the API's problem+json, as for `request`.
 */
export async function download(path: string, filename: string, retried = false): Promise<number> {
  const sent = session;
  let response: Response;
  try {
    response = await fetch(path, { headers: authorization() });
  } catch {
    throw new ApiError('网络连接失败 (network error)');
  }
  if (!response.ok) {
    if (response.status === 401 && sent) {
      if (!retried && (await renewed(sent))) return download(path, filename, true);
      onUnauthorized?.();
    }
    let detail = `HTTP ${response.status}`;
    try {
      const problem = JSON.parse(await response.text()) as { detail?: unknown; title?: unknown };
      if (typeof problem.detail === 'string' && problem.detail) detail = problem.detail;
      else if (typeof problem.title === 'string') detail = problem.title;
    } catch {
      /* not JSON */
    }
    throw new ApiError(detail, response.status);
  }
  const blob = await response.blob();
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

/**
 * Follows a Server-Sent Events route with the bearer token (EventSource cannot send one): each
 * event of `type` has its data, parsed as JSON, go to `onEvent` until `signal` aborts (other events,
 * such as keep-alive pings, are skipped); `onOpen` once the server answered. Resolves when the server
 * ends the stream; rejects on a network error or an error status (the API's problem+json message).
 */
export async function follow<T>(path: string, type: string, onEvent: (data: T, id: string | undefined) => void, signal: AbortSignal, onOpen?: () => void, retried = false): Promise<void> {
  const sent = session;
  const response = await fetch(path, { headers: { Accept: 'text/event-stream', ...authorization() }, signal });
  if (!response.ok || !response.body) {
    if (response.status === 401 && sent) {
      if (!retried && (await renewed(sent))) return follow(path, type, onEvent, signal, onOpen, true);
      onUnauthorized?.();
    }
    let detail = `HTTP ${response.status}`;
    try {
      const problem = JSON.parse(await response.text()) as { detail?: unknown };
      if (typeof problem.detail === 'string' && problem.detail) detail = problem.detail;
    } catch {
      /* not JSON */
    }
    throw new ApiError(detail, response.status);
  }
  onOpen?.();
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

/** A fresh Idempotency-Key: also where crypto.randomUUID is missing (plain http on a LAN address). */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// ---------------------------------------------------------------------------------------------
// Errors in the user's language
// ---------------------------------------------------------------------------------------------

const CJK = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;

/**
 * The API's messages read "中文 (english)", sometimes with an English tail ("…: send X-Actor-Id…").
 * Splits one message into its Chinese and English parts; either may be missing.
 */
export function splitBilingual(message: string): { zh?: string; en?: string } {
  for (let i = message.indexOf(' ('); i >= 0; i = message.indexOf(' (', i + 1)) {
    const before = message.slice(0, i);
    const first = message.charAt(i + 2);
    if (!CJK.test(before) || !first || CJK.test(first)) continue;
    let depth = 0;
    let end = -1;
    for (let j = i + 1; j < message.length; j++) {
      if (message[j] === '(') depth++;
      else if (message[j] === ')' && --depth === 0) {
        end = j;
        break;
      }
    }
    if (end < 0) continue;
    const inside = message.slice(i + 2, end);
    const tail = message.slice(end + 1).trim();
    return { zh: before.trim(), en: tail ? `${inside}${tail.startsWith(':') || tail.startsWith(';') ? '' : ' '}${tail}` : inside };
  }
  return CJK.test(message) ? { zh: message } : { en: message };
}

/** Codes the API puts into its Chinese messages (状态为 fully_committed), in words. */
function wordsForCodes(zh: string): string {
  const needStatus = (code: string) => NEED_STATUS_LABELS[code as keyof typeof NEED_STATUS_LABELS]?.[0];
  const commitmentStatus = (code: string) => COMMITMENT_STATUS_LABELS[code as keyof typeof COMMITMENT_STATUS_LABELS]?.[0];
  return zh
    .replace(/角色\s*([a-z]+)\s*/g, (whole, role: string) => (ROLE_LABELS[role] ? `角色“${ROLE_LABELS[role][0]}”` : whole))
    .replace(/需求状态为\s*([a-z_]+)/g, (whole, code: string) => (needStatus(code) ? `需求状态为“${needStatus(code)}”` : whole))
    .replace(/需求已([a-z_]+)/g, (whole, code: string) => (needStatus(code) ? `需求${needStatus(code)!.startsWith('已') ? '' : '已'}${needStatus(code)}` : whole))
    .replace(/接单状态为\s*([a-z_]+)/g, (whole, code: string) => (commitmentStatus(code) ? `接单状态为“${commitmentStatus(code)}”` : whole));
}

const GENERIC: Record<string, [string, string]> = {
  network: ['网络连接失败，请检查网络后重试', 'The network failed; check the connection and try again'],
  400: ['提交的内容有误，请检查后重试', 'Something in the request is not valid'],
  401: ['登录已失效，请重新登录', 'Your sign-in has run out: sign in again'],
  403: ['当前身份无权进行此操作', 'Your identity may not do this'],
  404: ['没有找到相关内容', 'Not found'],
  409: ['操作冲突，请刷新后重试', 'Conflict: reload and try again'],
  422: ['不符合业务规则', 'Not allowed by the rules'],
  500: ['服务器出错，请稍后重试', 'Server error; try again later'],
};

/** What to show the user: the message in their language, and a technical note where it helps. */
export function describeError(error: unknown, lang: Lang): { message: string; technical?: string } {
  if (!(error instanceof ApiError)) return { message: lang === 'zh' ? '发生未知错误' : 'Something went wrong', technical: String(error) };
  const generic = GENERIC[error.network ? 'network' : String(error.status)] ?? GENERIC[(error.status ?? 500) >= 500 ? 500 : 400];
  if (error.network) return { message: generic[lang === 'zh' ? 0 : 1] };
  const parts = error.detail.split(/;\s+(?=[\u3400-\u9fff])/).map(splitBilingual);
  if (lang === 'zh') {
    const zh = parts.map((p) => p.zh).filter(Boolean) as string[];
    if (zh.length === 0) return { message: generic[0], technical: error.detail };
    const englishOnly = parts.some((p) => !p.zh);
    return { message: zh.map(wordsForCodes).join('；'), technical: englishOnly || error.status === 400 ? error.detail : undefined };
  }
  const en = parts.map((p) => p.en ?? p.zh).filter(Boolean) as string[];
  return { message: en.join('; ') || generic[1] };
}

/** A file fetched with the bearer token (evidence files): a blob to show or open, errors as problem+json. */
export async function fetchBlob(path: string, retried = false): Promise<Blob> {
  const sent = session;
  let response: Response;
  try {
    response = await fetch(path, { headers: authorization() });
  } catch {
    throw new ApiError('网络连接失败 (network error)');
  }
  if (!response.ok) {
    if (response.status === 401 && sent) {
      if (!retried && (await renewed(sent))) return fetchBlob(path, true);
      onUnauthorized?.();
    }
    let detail = `HTTP ${response.status}`;
    try {
      const problem = JSON.parse(await response.text()) as { detail?: unknown };
      if (typeof problem.detail === 'string' && problem.detail) detail = problem.detail;
    } catch {
      /* not JSON */
    }
    throw new ApiError(detail, response.status);
  }
  return response.blob();
}

export interface UploadedEvidence {
  sha256: string;
  mediaType: string;
  size: number;
  thumbnail?: string;
}

/** Uploads one evidence file (multipart): checked by content and stored by its SHA-256 on the server. */
export function uploadEvidence(file: Blob, keepMetadata = false): Promise<UploadedEvidence> {
  const form = new FormData();
  if (keepMetadata) form.append('keepMetadata', 'true');
  form.append('file', file);
  return request<UploadedEvidence>('POST', '/api/evidence', { form });
}
