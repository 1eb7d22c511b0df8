import { createServer, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { answerClientErrorsAsProblems } from './client-error';
import { httpOptionsFromEnv } from './configure-app';

describe('requests the HTTP parser refuses', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_request, response) => response.end('ok'));
    answerClientErrorsAsProblems(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Writes `chunks` one after another on a raw socket and reads the answer until the server closes. */
  const raw = (...chunks: string[]) =>
    new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const received: Buffer[] = [];
      socket.on('data', (chunk) => received.push(chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Buffer.concat(received).toString('utf8')));
      for (const chunk of chunks) socket.write(chunk);
    });
  const parse = (answer: string) => {
    const [head, body] = answer.split('\r\n\r\n');
    return { status: Number(head.slice(9, 12)), head, problem: JSON.parse(body) as Record<string, unknown> };
  };

  it('answers headers over 16 KB with 431 problem+json and closes', async () => {
    const { status, head, problem } = parse(await raw(`GET / HTTP/1.1\r\nHost: x\r\nIdempotency-Key: ${'k'.repeat(100_000)}\r\n\r\n`));
    expect(status).toBe(431);
    expect(head).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/);
    expect(head).toMatch(/\r\nConnection: close/);
    expect(problem).toEqual({ type: 'https://shecun.dev/problems/431', title: 'Request Header Fields Too Large', status: 431, detail: '请求头过大 (request headers larger than 16 KB in all)' });
  });

  it('answers even while the client goes on sending', async () => {
    const answer = await raw('GET / HTTP/1.1\r\nHost: x\r\nCookie: ', 'c'.repeat(50_000), 'c'.repeat(50_000), '\r\n\r\n');
    expect(parse(answer).status).toBe(431);
  });

  it('answers a malformed request with 400 problem+json', async () => {
    const { status, problem } = parse(await raw('NOT HTTP AT ALL\r\n\r\n'));
    expect(status).toBe(400);
    expect(problem).toMatchObject({ status: 400, detail: '请求格式有误 (malformed HTTP request)' });
  });

  it('leaves good requests alone', async () => {
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
  });
});

describe('httpOptionsFromEnv', () => {
  it('reads REQUEST_TIMEOUT_MS once, 15 s by default, and refuses what is not a positive whole number of milliseconds', () => {
    expect(httpOptionsFromEnv({})).toEqual({ requestTimeoutMs: 15_000, readYourWritesTimeoutMs: 5_000 });
    expect(httpOptionsFromEnv({ REQUEST_TIMEOUT_MS: ' ' })).toEqual({ requestTimeoutMs: 15_000, readYourWritesTimeoutMs: 5_000 });
    expect(httpOptionsFromEnv({ REQUEST_TIMEOUT_MS: '250' })).toEqual({ requestTimeoutMs: 250, readYourWritesTimeoutMs: 125 });
    expect(httpOptionsFromEnv({ READ_YOUR_WRITES_TIMEOUT_MS: '800' })).toEqual({ requestTimeoutMs: 15_000, readYourWritesTimeoutMs: 800 });
    for (const value of ['15000', '0', '1.5']) expect(() => httpOptionsFromEnv({ READ_YOUR_WRITES_TIMEOUT_MS: value })).toThrow(/READ_YOUR_WRITES_TIMEOUT_MS must be/);
    for (const value of ['0', '-1', 'x', '10 s']) expect(() => httpOptionsFromEnv({ REQUEST_TIMEOUT_MS: value })).toThrow(/REQUEST_TIMEOUT_MS must be a positive number/);
    for (const value of ['0.5', '3000000000']) expect(() => httpOptionsFromEnv({ REQUEST_TIMEOUT_MS: value })).toThrow(/REQUEST_TIMEOUT_MS must be a whole number/);
  });
});
