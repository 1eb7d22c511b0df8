import { backoffDelay } from '@shecun/core';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: each organization's signing secret derives from the server's secret, its id
 * and the secret's version (so no secret is ever stored in the event log, and rotating bumps the
 * version). A delivery carries `X-Shecun-Signature: sha256=<hex HMAC of "<timestamp>.<body>">`,
 * `X-Shecun-Timestamp` and `X-Shecun-Delivery` (the same id on every retry: receivers de-duplicate by it).
 */
export const organizationWebhookSecret = (serverSecret: string, organizationId: string, version: number) =>
  createHmac('sha256', serverSecret).update(`webhook:${organizationId}:${version}`).digest('hex');

export const signWebhook = (secret: string, timestamp: string, body: string) => `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/** What a receiver does: recompute and compare in constant time. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Retry schedule: 1 s, 2 s, 4 s … doubling up to 5 minutes, at most `maxAttempts` attempts in all. */
export const WEBHOOK_MAX_ATTEMPTS = 8;
export const retryDelayMs = (attempt: number) => backoffDelay(Math.max(0, attempt - 1), { minDelayMs: 1000, maxDelayMs: 300_000 });
