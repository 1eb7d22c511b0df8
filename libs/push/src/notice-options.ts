import { positiveNumberEnv } from '@shecun/core';

/** The clock notices go by (quiet hours, digests, retries): the system clock unless a test gives its own. */
export interface NoticeClock {
  now(): Date;
}
export const NOTICE_CLOCK = Symbol('NOTICE_CLOCK');
export const systemClock: NoticeClock = { now: () => new Date() };

export interface NoticeOptions {
  /** SMTP server for 邮件, e.g. smtp://user:pass@mail.example.org:587 (SMTP_URL); unset: no e-mail. */
  smtpUrl?: string;
  /** The From of every notice e-mail (NOTICE_FROM). */
  from?: string;
  /** Where people open the console, for the links in notices (PUBLIC_BASE_URL). */
  publicBaseUrl?: string;
  /** The SMS / 微信 template provider's HTTP endpoint (NOTICE_SMS_URL); unset: no 短信. */
  smsUrl?: string;
  /** Bearer token for the provider (NOTICE_SMS_TOKEN). */
  smsToken?: string;
  /** How often the sender looks for notices due (ms). Default 1000. */
  pollMs?: number;
  /** First retry delay (ms), doubling up to 10 minutes (NOTICE_RETRY_BASE_MS). Default 30,000. */
  retryBaseMs?: number;
  /** Attempts in all before a message is given up as failed. Default 6. */
  maxAttempts?: number;
  /** Per-send timeout (ms). Default 15,000. */
  timeoutMs?: number;
  /** The clock (tests advance their own). */
  clock?: NoticeClock;
}

/** Notice options from SMTP_URL, NOTICE_FROM, PUBLIC_BASE_URL, NOTICE_SMS_URL, NOTICE_SMS_TOKEN and NOTICE_RETRY_BASE_MS. */
export function noticeOptionsFromEnv(env: NodeJS.ProcessEnv): NoticeOptions {
  return {
    smtpUrl: env.SMTP_URL || undefined,
    from: env.NOTICE_FROM || undefined,
    publicBaseUrl: env.PUBLIC_BASE_URL || undefined,
    smsUrl: env.NOTICE_SMS_URL || undefined,
    smsToken: env.NOTICE_SMS_TOKEN || undefined,
    retryBaseMs: positiveNumberEnv('NOTICE_RETRY_BASE_MS', env.NOTICE_RETRY_BASE_MS, 30_000),
  };
}
