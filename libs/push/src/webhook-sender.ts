import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LookupAddress, LookupOptions } from 'node:dns';
import { CheckedWebhookTarget, checkWebhookUrl, WebhookAddressPolicy, WebhookUrlRefused } from './webhook-url';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node's http/https requests that answers every name with the one address that was
 * checked, whatever the name: the connection cannot go anywhere the policy did not approve.
 */
export function pinnedLookup(checked: LookupAddress): (hostname: string, options: LookupOptions, callback: LookupCallback) => void {
  return (_hostname, options, callback) => {
    if (options?.all) callback(null, [{ address: checked.address, family: checked.family }]);
    else callback(null, checked.address, checked.family);
  };
}

export interface WebhookPost {
  headers: Record<string, string>;
  body: string;
  /** Whole request timeout (ms). */
  timeoutMs: number;
}

/** The outcome of one attempt: `error` null only for a 2xx answer. */
export interface WebhookOutcome {
  statusCode: number | null;
  error: string | null;
  /** The address the request was sent to, when a connection was made. */
  remoteAddress?: string;
}

/**
 * POSTs to a checked target over a fresh connection to the first checked address (no DNS lookup of
 * its own, no pooled socket), sending the URL's own Host header and, for https, its host name as
 * SNI with the certificate verified against it. Redirects are not followed.
 */
export function postToCheckedTarget(target: CheckedWebhookTarget, post: WebhookPost): Promise<{ statusCode: number; location?: string; remoteAddress?: string }> {
  const address = target.addresses[0];
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let remoteAddress: string | undefined;
    const req = send(
      target.url,
      {
        method: 'POST',
        headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
        lookup: pinnedLookup(address) as never,
        agent: false,
        rejectUnauthorized: true,
        signal: AbortSignal.timeout(post.timeoutMs),
      },
      (res: IncomingMessage) => {
        const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
        // The answer's body is not needed: drain it so the connection closes cleanly.
        res.on('error', () => undefined);
        res.resume();
        resolve({ statusCode: res.statusCode ?? 0, location, remoteAddress: remoteAddress ?? res.socket?.remoteAddress });
      },
    );
    req.on('socket', (socket) => socket.once('connect', () => (remoteAddress = socket.remoteAddress)));
    req.on('error', reject);
    req.end(post.body);
  });
}

/**
 * One delivery attempt: the URL is checked again with a fresh resolution, then posted to the
 * address just approved. A refusal sends nothing; a 3xx answer is a failure (its target is not
 * followed: it was never checked); so is any other non-2xx answer or a network error.
 */
export async function deliverWebhook(url: string, post: WebhookPost, policy: WebhookAddressPolicy = {}): Promise<WebhookOutcome> {
  let target: CheckedWebhookTarget;
  try {
    target = await checkWebhookUrl(url, policy);
  } catch (e) {
    return { statusCode: null, error: `未发送：${e instanceof WebhookUrlRefused ? e.message : `地址检查失败 (address check failed: ${String(e)})`}` };
  }
  try {
    const { statusCode, location, remoteAddress } = await postToCheckedTarget(target, post);
    if (statusCode >= 300 && statusCode < 400) {
      return { statusCode, remoteAddress, error: `HTTP ${statusCode}：不跟随重定向${location ? `到 ${location}` : ''}，请配置最终地址 (redirect${location ? ` to ${location}` : ''} not followed: configure the final URL)` };
    }
    return { statusCode, remoteAddress, error: statusCode >= 200 && statusCode < 300 ? null : `HTTP ${statusCode}` };
  } catch (e) {
    return { statusCode: null, error: e instanceof Error ? e.message : String(e) };
  }
}
