import express from 'express';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { commandProxy } from './command-proxy';

/** A port nothing listens on yet (taken, then let go). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** The owning service: counts the commands it answers, each with the key it saw. */
function service(port: number, seen: string[]): Promise<Server> {
  const app = express();
  app.post('/api/needs', (req, res) => {
    seen.push(String(req.header('idempotency-key')));
    res.status(201).json({ needId: 'n1' });
  });
  return new Promise((resolve) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('the gateway forwarding a command while its service restarts', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  async function gateway(target: string): Promise<string> {
    const app = express();
    app.use(commandProxy([{ prefix: '/api/needs', target }], { timeoutMs: 10_000 }));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('a command with an Idempotency-Key waits out the service being down and is answered once it is back, with the same key', async () => {
    const port = await freePort();
    const url = await gateway(`http://127.0.0.1:${port}`);
    const seen: string[] = [];
    // The service comes back 600 ms after the command was sent.
    setTimeout(() => void service(port, seen).then((s) => servers.push(s)), 600);
    const res = await fetch(`${url}/api/needs`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'retry-while-down-01' }, body: '{}' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ needId: 'n1' });
    expect(seen).toEqual(['retry-while-down-01']);
  });

  it('a command without a key is not sent again: the caller gets 503 problem+json at once', async () => {
    const port = await freePort();
    const url = await gateway(`http://127.0.0.1:${port}`);
    const res = await fetch(`${url}/api/needs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/^服务暂不可用/);
  });

  it('a service that stays down: the keyed command gets 503 after a bounded number of tries', async () => {
    const port = await freePort();
    const url = await gateway(`http://127.0.0.1:${port}`);
    const res = await fetch(`${url}/api/needs`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'retry-while-down-02' }, body: '{}' });
    expect(res.status).toBe(503);
  });
});
