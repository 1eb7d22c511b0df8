import { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the test SMTP server accepted, decoded (mailparser): envelope recipients, headers, subject, text and attachments. */
export interface ReceivedMail {
  to: string[];
  /** Each header's value as sent (encoded words left as they are), by lower-case name. */
  headers: Record<string, string>;
  subject: string;
  text: string;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
}

export async function parseMail(raw: Buffer, to: string[]): Promise<ReceivedMail> {
  const mail = await simpleParser(raw);
  const headers = Object.fromEntries(mail.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()]));
  return {
    to,
    headers,
    subject: mail.subject ?? '',
    text: (mail.text ?? '').replace(/\r\n/g, '\n').replace(/\n$/, ''),
    attachments: mail.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, content: a.content })),
  };
}

/**
 * A real SMTP server on a local port (the smtp-server package): accepts every message without
 * authentication or TLS, keeps what it accepted, and refuses (451) a message while `refuse` says so.
 */
export async function startSmtpInbox(refuse: (to: string[]) => boolean = () => false): Promise<{ url: string; received: ReceivedMail[]; refused: string[][]; close: () => Promise<void> }> {
  const received: ReceivedMail[] = [];
  const refused: string[][] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (refuse(to)) {
          refused.push(to);
          const error = new Error('mailbox temporarily unavailable') as Error & { responseCode: number };
          error.responseCode = 451;
          return callback(error);
        }
        parseMail(Buffer.concat(chunks), to).then(
          (mail) => {
            received.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, received, refused, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
