import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { PROBLEM_CONTENT_TYPE } from '../problem';
import { createOpsServer } from './ops-server';

describe('the relay’s and the projector’s HTTP server', () => {
  let server: Server;
  let base: string;
  let ready = false;

  beforeAll(async () => {
    server = createOpsServer(() => ({ status: ready ? 200 : 503, body: { status: ready ? 'ok' : 'starting' } }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers GET /health with its readiness, 503 while starting', async () => {
    const starting = await fetch(`${base}/health`);
    expect(starting.status).toBe(503);
    expect(await starting.json()).toEqual({ status: 'starting' });
    ready = true;
    const up = await fetch(`${base}/health?probe=1`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: 'ok' });
  });

  it('answers GET /health/live 200 whatever the readiness, and a problem+json readiness body as problem+json', async () => {
    ready = false;
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'alive', pid: process.pid });
    const listener = createOpsServer(async () => ({ status: 503, body: { type: 'https://shecun.dev/problems/503', title: 'Service Unavailable', status: 503, detail: '尚未就绪 (not ready)' } }));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(listener.address() as AddressInfo).port}/health`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
      expect(await res.json()).toMatchObject({ status: 503, detail: '尚未就绪 (not ready)' });
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
    ready = true;
  });

  it('answers GET /metrics with the process metrics in Prometheus text format', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4\b/);
    expect(await res.text()).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  it('answers any other path 404 and another method 405, as problem+json', async () => {
    for (const path of ['/', '/api/needs', '/health/ready', '/metricsx']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
      expect(await res.json()).toMatchObject({ status: 404, title: 'Not Found', instance: path });
    }
    const post = await fetch(`${base}/health`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await post.json()).toMatchObject({ status: 405 });
  });
});
