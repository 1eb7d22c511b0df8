import { Controller, Get, INestApplication, MessageEvent, Module, Sse } from '@nestjs/common';
import { interval, map, Observable, take } from 'rxjs';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { configureHttpApp } from '@shecun/core';
import { serveConsole } from '../../apps/standalone/src/console';

const ROWS = Array.from({ length: 500 }, (_, i) => ({ city: '4418', county: `4418${String(i).padStart(2, '0')}`, published: i, matched: i >> 1 }));

@Controller('api/spec')
class SpecController {
  @Get('figures')
  figures() {
    return { rows: ROWS };
  }

  @Sse('events')
  events(): Observable<MessageEvent> {
    return interval(50).pipe(take(3), map((n) => ({ data: { n, padding: 'x'.repeat(2000) } })));
  }
}

@Module({ controllers: [SpecController] })
class EmptyModule {}

/** Raw GET (no automatic decompression): status, headers and the bytes as sent. */
function fetchRaw(port: number, path: string, acceptEncoding?: string): Promise<{ response: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ response, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('the web console served to phones on weak networks', () => {
  let app: INestApplication;
  let port: number;
  let dist: string;
  // Script-like text (compressible), as a bundle is.
  const script = Buffer.from(Array.from({ length: 4000 }, (_, i) => `export const v${i} = "${randomBytes(4).toString('hex')}";\n`).join(''));
  // An asset the build compressed ahead (apps/console/scripts/precompress.js writes .br and .gz beside it).
  const chunk = Buffer.from(Array.from({ length: 4000 }, (_, i) => `export const w${i} = "${randomBytes(4).toString('hex')}";\n`).join(''));
  const chunkBr = brotliCompressSync(chunk, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  const chunkGz = gzipSync(chunk, { level: 9 });
  const index = Buffer.from('<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>'.repeat(20));

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'shecun-console-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), index);
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), script);
    writeFileSync(join(dist, 'assets', 'chunk-def456.js'), chunk);
    writeFileSync(join(dist, 'assets', 'chunk-def456.js.br'), chunkBr);
    writeFileSync(join(dist, 'assets', 'chunk-def456.js.gz'), chunkGz);
    app = await NestFactory.create(EmptyModule, { logger: false, bodyParser: false, abortOnError: false });
    configureHttpApp(app, { title: 'console serving' });
    expect(serveConsole(app, dist)).toBe(true);
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('sends a hashed asset brotli-compressed to a browser that accepts it, cached for a year', async () => {
    const { response, body } = await fetchRaw(port, '/assets/index-abc123.js', 'gzip, deflate, br');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(body.length).toBeLessThan(script.length / 2);
    expect(brotliDecompressSync(body).equals(script)).toBe(true);
  });

  it('falls back to gzip, and to the bytes as they are for a client that accepts neither', async () => {
    const gzip = await fetchRaw(port, '/assets/index-abc123.js', 'gzip');
    expect(gzip.response.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(script)).toBe(true);
    const plain = await fetchRaw(port, '/assets/index-abc123.js');
    expect(plain.response.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(script)).toBe(true);
  });

  it('sends the copy the build compressed ahead, as it is, when the browser accepts its encoding', async () => {
    const br = await fetchRaw(port, '/assets/chunk-def456.js', 'gzip, deflate, br');
    expect(br.response.statusCode).toBe(200);
    expect(br.response.headers['content-encoding']).toBe('br');
    expect(br.response.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(br.response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.response.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.equals(chunkBr)).toBe(true);
    expect(brotliDecompressSync(br.body).equals(chunk)).toBe(true);

    const gzip = await fetchRaw(port, '/assets/chunk-def456.js', 'gzip');
    expect(gzip.response.headers['content-encoding']).toBe('gzip');
    expect(gzip.response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gzip.body.equals(chunkGz)).toBe(true);

    const plain = await fetchRaw(port, '/assets/chunk-def456.js', 'br;q=0, gzip;q=0');
    expect(plain.response.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(chunk)).toBe(true);

    const outside = await fetchRaw(port, '/assets/..%2Findex.html', 'br');
    expect(outside.body.equals(chunkBr)).toBe(false);
  });

  it('answers the console\'s own routes with index.html, compressed and never cached stale', async () => {
    const { response, body } = await fetchRaw(port, '/needs/new', 'br');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(body).equals(index)).toBe(true);
  });

  it('leaves /api to the server: an unknown API path is its 404 problem, not the console', async () => {
    const { response, body } = await fetchRaw(port, '/api/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(body.toString()).not.toContain('<!doctype html>');
  });

  it('compresses the API\'s answers too, but never an event stream (each event leaves at once)', async () => {
    const figures = await fetchRaw(port, '/api/spec/figures', 'gzip, br');
    expect(figures.response.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(figures.body).toString())).toEqual({ rows: ROWS });

    const firstEvent = await new Promise<{ encoding: string | undefined; text: string }>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/api/spec/events', headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip, br' } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (!text.includes('"n":0')) return;
          resolve({ encoding: response.headers['content-encoding'], text });
          response.destroy();
        });
      }).on('error', reject);
    });
    expect(firstEvent.encoding).toBeUndefined();
    expect(firstEvent.text).toContain('"n":0');
  });
});
