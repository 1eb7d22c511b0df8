import { createTransport, Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { NoticeChannelName, NoticeMessageContent } from './notice.model';
import { NoticeOptions } from './notice-options';

/** A file sent with an e-mail (a filed report's workbook); other channels send none. */
export interface NoticeAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** One message to one recipient; `messageId` is the same on every attempt (receivers may de-duplicate by it). */
export interface NoticeSend {
  messageId: string;
  recipient: string;
  content: NoticeMessageContent;
  attachments?: NoticeAttachment[];
}

/** The port every channel is behind: resolves once the message is accepted, rejects otherwise. */
export interface NoticeChannel {
  readonly name: NoticeChannelName;
  send(message: NoticeSend): Promise<void>;
  close?(): void;
}

/** 邮件 over SMTP (nodemailer), plain text in UTF-8 (with its attachments, if any), with a Message-ID derived from the message's id. */
export class SmtpEmailChannel implements NoticeChannel {
  readonly name = 'email' as const;
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    this.transport = createTransport({ url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as SMTPTransport.Options);
  }

  async send({ messageId, recipient, content, attachments }: NoticeSend): Promise<void> {
    const domain = /@([^>\s]+)>?\s*$/.exec(this.from)?.[1] ?? 'shecun.local';
    await this.transport.sendMail({ from: this.from, to: recipient, subject: content.subject, text: content.text, messageId: `<${messageId}@${domain}>`, ...(attachments?.length ? { attachments } : {}) });
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * 短信 / 微信 template messages through a provider's HTTP endpoint: a JSON POST with the template
 * parameters, a bearer token and `Idempotency-Key` (the message's id); any 2xx is accepted.
 */
export class HttpSmsChannel implements NoticeChannel {
  readonly name = 'sms' as const;

  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  async send({ messageId, recipient, content }: NoticeSend): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': messageId, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ messageId, to: recipient, template: content.template ?? 'need_notice', params: { subject: content.subject, count: content.needIds.length, needIds: content.needIds }, text: `${content.subject}\n${content.text}` }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.body?.cancel();
    if (response.status < 200 || response.status >= 300) throw new Error(`短信服务答复 HTTP ${response.status} (SMS provider answered HTTP ${response.status})`);
  }
}

/** The channels the options configure: none when neither SMTP_URL nor NOTICE_SMS_URL is set. */
export function channelsFrom(options: NoticeOptions): NoticeChannel[] {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const channels: NoticeChannel[] = [];
  if (options.smtpUrl) channels.push(new SmtpEmailChannel(options.smtpUrl, options.from ?? '社村通 <noreply@shecun.local>', timeoutMs));
  if (options.smsUrl) channels.push(new HttpSmsChannel(options.smsUrl, options.smsToken, timeoutMs));
  return channels;
}
