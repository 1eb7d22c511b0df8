import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { createServer as createTlsServer, Server as TlsServer } from 'node:https';
import { AddressInfo, isIP } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliverWebhook, pinnedLookup, WebhookPost } from './webhook-sender';
import { checkWebhookUrl, WebhookResolver } from './webhook-url';

/**
 * The webhook sender against real listeners on 127.0.0.1 (no mock of the network; nothing is sent
 * anywhere but this machine's loopback): internal targets are refused before any connection, a
 * redirect is not followed, the connection goes to the address that was checked, and TLS
 * certificates are verified against the URL's host.
 */
interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
  remoteAddress?: string;
}

function recordingServer(answer: (req: Received) => [number, Record<string, string>?] = () => [204]): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const r: Received = { method: req.method, url: req.url, headers: req.headers, body, remoteAddress: req.socket.remoteAddress };
      received.push(r);
      const [status, headers] = answer(r);
      res.writeHead(status, headers).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, received })));
}

const post: WebhookPost = { headers: { 'content-type': 'application/json', 'x-shecun-delivery': 'd-1' }, body: '{"event":"need.pushed"}', timeoutMs: 5_000 };

/** An injected resolver answering from a table, counting its calls; later answers may differ from the first. */
function scriptedResolver(answers: Record<string, string[][]>): WebhookResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (name: string) => {
    const seen = calls.filter((c) => c === name).length;
    calls.push(name);
    const script = answers[name];
    if (!script) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return script[Math.min(seen, script.length - 1)].map((address) => ({ address, family: isIP(address) }));
  };
  return Object.assign(resolve, { calls });
}

describe('webhook sender', () => {
  let hook: Awaited<ReturnType<typeof recordingServer>>;
  beforeAll(async () => {
    hook = await recordingServer();
  });
  afterAll(() => hook.server.close());
  beforeEach(() => (hook.received.length = 0));

  it('delivers to an allowed target (here by the explicit escape hatch) with the URL’s host and path', async () => {
    const outcome = await deliverWebhook(`http://127.0.0.1:${hook.port}/hooks/shecun?x=1`, post, { allowPrivate: true });
    expect(outcome).toEqual({ statusCode: 204, error: null, remoteAddress: '127.0.0.1' });
    expect(hook.received).toEqual([expect.objectContaining({ method: 'POST', url: '/hooks/shecun?x=1', body: post.body, headers: expect.objectContaining({ host: `127.0.0.1:${hook.port}`, 'x-shecun-delivery': 'd-1', 'content-length': String(post.body.length) }) })]);
  });

  it('refuses every internal form of the listener’s address and never connects', async () => {
    const p = hook.port;
    const resolve = scriptedResolver({ 'hooks.internal.example': [['127.0.0.1']], 'v6.internal.example': [['::ffff:127.0.0.1']] });
    const forms = [
      `http://127.0.0.1:${p}/hook`,
      `http://localhost:${p}/hook`,
      `http://localhost.:${p}/hook`,
      `http://2130706433:${p}/hook`,
      `http://0177.0.0.1:${p}/hook`,
      `http://0x7f.1:${p}/hook`,
      `http://127.1:${p}/hook`,
      `http://[::ffff:127.0.0.1]:${p}/hook`,
      `http://[::ffff:7f00:1]:${p}/hook`,
      `http://[::ffff:0:7f00:1]:${p}/hook`,
      `http://[64:ff9b::7f00:1]:${p}/hook`,
      `http://[2002:7f00:1::]:${p}/hook`,
      `http://hooks.internal.example:${p}/hook`,
      `http://v6.internal.example:${p}/hook`,
    ];
    for (const url of forms) {
      const outcome = await deliverWebhook(url, post, { allowPrivate: false, resolve });
      expect({ url, ...outcome }).toEqual({ url, statusCode: null, error: expect.stringMatching(/^未发送：webhookUrl .*(internal address|local host)/) });
    }
    // This machine's own name, resolved by the system resolver, is refused too when it is internal.
    const own = await deliverWebhook(`http://${hostname()}:${p}/hook`, post, { allowPrivate: false });
    if (own.error?.includes('does not resolve') !== true) expect(own).toMatchObject({ statusCode: null, error: expect.stringContaining('未发送') });
    expect(hook.received).toEqual([]);
  });

  it('does not follow a redirect, even to an address the policy would allow', async () => {
    const redirector = await recordingServer((r) => [Number(r.url!.slice(1)), { location: `http://127.0.0.1:${hook.port}/internal-admin` }]);
    try {
      for (const status of [301, 302, 303, 307, 308]) {
        const outcome = await deliverWebhook(`http://127.0.0.1:${redirector.port}/${status}`, post, { allowPrivate: true });
        expect(outcome).toEqual({ statusCode: status, remoteAddress: '127.0.0.1', error: `HTTP ${status}：不跟随重定向到 http://127.0.0.1:${hook.port}/internal-admin，请配置最终地址 (redirect to http://127.0.0.1:${hook.port}/internal-admin not followed: configure the final URL)` });
      }
      expect(redirector.received).toHaveLength(5);
      expect(hook.received).toEqual([]);
    } finally {
      redirector.server.close();
    }
  });

  it('connects to the address it checked: a resolver whose answer changes afterwards is not asked again', async () => {
    // First answer 127.0.0.1 (allowed only through the escape hatch), any later one 127.0.0.2, where nothing listens.
    const resolve = scriptedResolver({ 'rebind.example': [['127.0.0.1'], ['127.0.0.2']] });
    const outcome = await deliverWebhook(`http://rebind.example:${hook.port}/hook`, post, { allowPrivate: true, resolve });
    expect(outcome).toEqual({ statusCode: 204, error: null, remoteAddress: '127.0.0.1' });
    expect(resolve.calls).toEqual(['rebind.example']);
    expect(hook.received).toEqual([expect.objectContaining({ remoteAddress: '127.0.0.1', headers: expect.objectContaining({ host: `rebind.example:${hook.port}` }) })]);
    // Each delivery checks afresh: the next one sees 127.0.0.2 and goes there (nothing listens: a failed attempt).
    const next = await deliverWebhook(`http://rebind.example:${hook.port}/hook`, post, { allowPrivate: true, resolve });
    expect(next).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') });
    expect(resolve.calls).toEqual(['rebind.example', 'rebind.example']);
    expect(hook.received).toHaveLength(1);
  });

  it('a public answer at check time pins the connection to that answer, whatever DNS says later', async () => {
    // No escape hatch: 8.8.8.8 is checked and approved, later answers would be internal. Nothing is sent:
    // the lookup the request would use is called directly.
    const resolve = scriptedResolver({ 'rebind.example': [['8.8.8.8'], ['127.0.0.1']] });
    const target = await checkWebhookUrl('https://rebind.example/hook', { allowPrivate: false, resolve });
    expect(target.addresses).toEqual([{ address: '8.8.8.8', family: 4 }]);
    const lookup = pinnedLookup(target.addresses[0]);
    const one = await new Promise((r) => lookup('rebind.example', { family: 0 }, (e, address, family) => r({ e, address, family })));
    const all = await new Promise((r) => lookup('rebind.example', { all: true }, (e, address) => r({ e, address })));
    expect(one).toEqual({ e: null, address: '8.8.8.8', family: 4 });
    expect(all).toEqual({ e: null, address: [{ address: '8.8.8.8', family: 4 }] });
    expect(resolve.calls).toEqual(['rebind.example']);
    // Delivery time: DNS now answers 127.0.0.1, so the attempt is refused and nothing is sent.
    const outcome = await deliverWebhook(`http://rebind.example:${hook.port}/hook`, post, { allowPrivate: false, resolve });
    expect(outcome).toEqual({ statusCode: null, error: expect.stringContaining('internal address 127.0.0.1') });
    expect(hook.received).toEqual([]);
  });

  const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
  (haveOpenssl ? it : it.skip)('https: the URL’s host goes as SNI and an untrusted certificate fails the delivery', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shecun-webhook-tls-'));
    let tls: TlsServer | undefined;
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=hooks.example', '-addext', 'subjectAltName=DNS:hooks.example', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const servernames: string[] = [];
      let requests = 0;
      const key = readFileSync(join(dir, 'key.pem'));
      const cert = readFileSync(join(dir, 'cert.pem'));
      tls = createTlsServer({ key, cert, SNICallback: (name, cb) => (servernames.push(name), cb(null, undefined)) }, (_req, res) => {
        requests += 1;
        res.writeHead(204).end();
      });
      tls.on('tlsClientError', () => undefined);
      const server = tls;
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (tls.address() as AddressInfo).port;
      const resolve = scriptedResolver({ 'hooks.example': [['127.0.0.1']] });
      const outcome = await deliverWebhook(`https://hooks.example:${port}/hook`, post, { allowPrivate: true, resolve });
      expect(outcome).toEqual({ statusCode: null, error: expect.stringMatching(/self[- ]signed certificate/) });
      expect(requests).toBe(0);
      expect(servernames).toEqual(['hooks.example']);
    } finally {
      tls?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
