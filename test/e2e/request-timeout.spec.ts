import { mkdtempSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../apps/standalone/src/config';
import { actAs, COORDINATOR, removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/**
 * REQUEST_TIMEOUT_MS, read by the embedded app's own configuration and bootstrap: a route that has
 * not answered in time gets 503 problem+json; values that are not a positive whole number of
 * milliseconds stop the start.
 */
describe('REQUEST_TIMEOUT_MS', () => {
  let t: TestApp;
  let base: string;
  let coordinator: Record<string, string>;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shecun-timeout-'));
    // A read with X-Min-Position may wait 5 s here (more than the environment would allow), to give the spec a slow route.
    const config = { ...loadConfig({ DATA_DIR: dataDir, SEED_DEMO: 'false', REQUEST_TIMEOUT_MS: '300' }), pushDispatch: false, readYourWritesTimeoutMs: 5_000 };
    expect(config.requestTimeoutMs).toBe(300);
    t = await startEmbeddedApp(dataDir, config);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    coordinator = await actAs(t, COORDINATOR);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('answers a route slower than the timeout with 503 problem+json, in time', async () => {
    // Read-your-writes for a position the log will not reach: the route would wait 5 s for the projections.
    const started = Date.now();
    const res = await fetch(`${base}/api/needs`, { headers: { ...coordinator, 'X-Min-Position': String(1_000_000_000) } });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 503, title: 'Service Unavailable', detail: expect.stringMatching(/^请求超时 \(the request took longer than 300 ms\)/) });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('leaves a route that answers in time alone', async () => {
    const res = await fetch(`${base}/api/needs`, { headers: coordinator });
    expect(res.status).toBe(200);
  });

  it('is 15 s when unset or blank, and refuses anything but a positive whole number of milliseconds at start', () => {
    expect(loadConfig({}).requestTimeoutMs).toBe(15_000);
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '' }).requestTimeoutMs).toBe(15_000);
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '2500' }).requestTimeoutMs).toBe(2_500);
    for (const value of ['abc', '0', '-100', 'NaN', 'Infinity', '15s']) {
      expect(() => loadConfig({ REQUEST_TIMEOUT_MS: value })).toThrow(`REQUEST_TIMEOUT_MS must be a positive number (got "${value}")`);
    }
    for (const value of ['1.5', '9999999999']) {
      expect(() => loadConfig({ REQUEST_TIMEOUT_MS: value })).toThrow('REQUEST_TIMEOUT_MS must be a whole number of milliseconds');
    }
  });
});
