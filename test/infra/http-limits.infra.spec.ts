import { INestApplication } from '@nestjs/common';
import { createWriteService } from '@shecun/hosting';
import { NeedsCommandsModule } from '@shecun/needs';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway } from '../../apps/gateway/src/main';
import { MIGRATIONS } from '../../apps/needs-service/src/migrations';
import { NEEDS_SERVICE_ENTITIES } from '../../apps/needs-service/src/write-database';
import { createTestDatabase } from '../support/pg';

/**
 * The HTTP limits in the distributed topology, on the apps as their own bootstraps build them (the
 * gateway and the needs write service, in this process, on real PostgreSQL): deep JSON and oversized
 * headers answered as problems, REQUEST_TIMEOUT_MS read from the environment, refused when invalid;
 * GET /metrics served by both through the shared HTTP setup.
 */
describe('HTTP limits of the gateway and the write services', () => {
  const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  const apps: INestApplication[] = [];
  const saved = { ...process.env };
  const keysDir = mkdtempSync(join(tmpdir(), 'shecun-keys-'));
  /** A "service" that accepts connections and never answers. */
  let silent: Server;
  const held: Socket[] = [];
  let gateway: string;
  let needsService: string;

  const urlOf = (app: INestApplication) => `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const setEnv = (values: Record<string, string>) => Object.assign(process.env, values);

  beforeAll(async () => {
    const [events, read, needs] = await Promise.all(['shecun_events', 'shecun_read', 'shecun_needs'].map((name) => createTestDatabase(name)));
    dbs.push(events, read, needs);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(keysDir, 'private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(keysDir, 'public.pem'), createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));
    silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));

    setEnv({ EVENT_STORE_URL: events.url, DATABASE_URL: needs.url, JWT_PUBLIC_KEY_FILES: join(keysDir, 'public.pem'), REQUEST_TIMEOUT_MS: '400' });
    const service = await createWriteService('needs service', { entities: NEEDS_SERVICE_ENTITIES, migrations: MIGRATIONS, imports: [NeedsCommandsModule] }, false);
    apps.push(service);
    await service.listen(0, '127.0.0.1');
    needsService = urlOf(service);

    delete process.env.JWT_PUBLIC_KEY_FILES;
    setEnv({ READ_DATABASE_URL: read.url, JWT_PRIVATE_KEY_FILE: join(keysDir, 'private.pem'), NEEDS_SERVICE_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, REQUEST_TIMEOUT_MS: '400' });
    const app = await createGateway(false);
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    gateway = urlOf(app);
  }, 120_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    process.env = saved;
    for (const db of dbs) await db.drop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  const expectProblem = async (res: Response, status: number, detail?: RegExp) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as { status: number; detail: string };
    expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
    if (detail) expect(body.detail).toMatch(detail);
  };

  const rawStatus = (base: string, head: string) =>
    new Promise<{ status: number; text: string }>((resolve) => {
      const socket = connect(Number(new URL(base).port), '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: Number(text.slice(9, 12)), text });
      });
      socket.write(head);
    });

  it('answers the gateway’s forwarded command with 503 problem+json once REQUEST_TIMEOUT_MS has passed without an answer', async () => {
    const started = Date.now();
    const res = await fetch(`${gateway}/api/needs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const elapsed = Date.now() - started;
    await expectProblem(res, 503, /no answer within 400 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('answers deep JSON with 400 problem+json on the gateway (sign-in) and on the write service, anonymously', async () => {
    for (const [base, path] of [[gateway, '/api/auth/login'], [needsService, '/api/needs'], [needsService, '/api/needs/n-1/publish']]) {
      for (const body of ['['.repeat(100_000) + ']'.repeat(100_000), '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)]) {
        const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await expectProblem(res, 400, /^请求体嵌套过深 \(JSON nested deeper than 32 levels\)$/);
      }
    }
  });

  it('answers oversized headers with 431 problem+json on both', async () => {
    for (const base of [gateway, needsService]) {
      const { status, text } = await rawStatus(base, `POST /api/needs HTTP/1.1\r\nHost: x\r\nIdempotency-Key: ${'k'.repeat(100_000)}\r\nContent-Length: 2\r\n\r\n{}`);
      expect(status).toBe(431);
      expect(text).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/);
      expect(JSON.parse(text.split('\r\n\r\n')[1])).toMatchObject({ status: 431, detail: expect.stringMatching(/^请求头过大/) });
    }
    const res = await fetch(`${needsService}/api/needs`, { method: 'POST', headers: { 'content-type': 'application/json', 'Idempotency-Key': 'k'.repeat(300) }, body: '{}' });
    await expectProblem(res, 400, /Idempotency-Key/);
  });

  it('serves GET /metrics on both, without sign-in, with the requests timed by route pattern', async () => {
    for (const base of [gateway, needsService]) {
      await fetch(`${base}/health`);
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4\b/);
      const text = await res.text();
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} [1-9]/m);
    }
  });

  it('refuses to start with an invalid REQUEST_TIMEOUT_MS', async () => {
    for (const value of ['0', 'soon', '1.5']) {
      setEnv({ REQUEST_TIMEOUT_MS: value });
      await expect(createGateway(false)).rejects.toThrow(/^REQUEST_TIMEOUT_MS must be a/);
      await expect(createWriteService('needs service', { entities: NEEDS_SERVICE_ENTITIES, migrations: MIGRATIONS, imports: [NeedsCommandsModule] }, false)).rejects.toThrow(/^REQUEST_TIMEOUT_MS must be a/);
    }
  });
});
