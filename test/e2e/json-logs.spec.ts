import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningApp, startChild, stopChild, waitHealthy } from '../support/child-app';
import { removeDir } from '../support/embedded-app';

/**
 * The real process's logs (what `npm start` runs): every line it writes on stdout is one JSON
 * object, Nest's own log calls included, and each HTTP request's line carries its request id and
 * the correlation id its commands would carry.
 */
interface LogLine {
  level: string;
  time: string;
  app: string;
  pid: number;
  msg: string;
  context?: string;
  reqId?: string;
  correlationId?: string;
  req?: { id?: string; method?: string; url?: string };
  res?: { statusCode?: number };
}

describe('JSON logs of the embedded app', () => {
  const dirs: string[] = [];
  const running: RunningApp[] = [];

  const start = async (env: Record<string, string> = {}) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shecun-logs-'));
    dirs.push(dataDir);
    const app = await startChild(dataDir, env);
    running.push(app);
    let stdout = '';
    app.child.stdout!.on('data', (d) => (stdout += d));
    await waitHealthy(app);
    const lines = async () => {
      // Written synchronously, but read by us asynchronously: give the pipe a moment.
      await new Promise((r) => setTimeout(r, 200));
      return stdout.split('\n').filter((line) => line.trim() !== '');
    };
    return { app, lines };
  };

  afterAll(async () => {
    for (const app of running) await stopChild(app, 'SIGKILL');
    dirs.forEach(removeDir);
  });

  it('writes one JSON object per line; a request’s line has its request id and correlation id', async () => {
    const { app, lines } = await start();
    const given = await fetch(`${app.url}/api/regions`, { headers: { 'x-correlation-id': 'json-logs-corr-1', 'x-request-id': 'json-logs-req-1' } });
    expect(given.status).toBe(200);
    expect(given.headers.get('x-request-id')).toBe('json-logs-req-1');
    const made = await fetch(`${app.url}/api/regions?made=1`);
    expect(made.status).toBe(200);
    const madeRequestId = made.headers.get('x-request-id');
    expect(madeRequestId).toMatch(/^[0-9a-f-]{36}$/);

    const raw = await lines();
    const parsed = raw.map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
    for (const line of parsed) {
      expect(line).toMatchObject({ app: 'standalone', pid: app.child.pid, level: expect.stringMatching(/^(fatal|error|warn|info|debug|trace)$/), msg: expect.any(String) });
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
    }
    // Nest's own logger (Logger.log(…, 'Main')) goes through pino.
    expect(parsed.find((l) => l.context === 'Main' && /listening on/.test(l.msg))).toBeDefined();

    const requestLine = parsed.find((l) => l.req?.url === '/api/regions');
    expect(requestLine).toMatchObject({ level: 'info', reqId: 'json-logs-req-1', correlationId: 'json-logs-corr-1', req: { method: 'GET', id: 'json-logs-req-1' }, res: { statusCode: 200 } });
    const madeLine = parsed.find((l) => l.req?.url === '/api/regions?made=1');
    expect(madeLine).toMatchObject({ reqId: madeRequestId, correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    // Probes are logged at debug: not at the default level.
    expect(parsed.some((l) => l.req?.url === '/health')).toBe(false);
  });

  it('LOG_LEVEL sets the level: debug shows the health probes, warn hides the start-up lines', async () => {
    const debug = await start({ LOG_LEVEL: 'debug' });
    expect((await debug.lines()).map((l) => JSON.parse(l) as LogLine).some((l) => l.level === 'debug' && l.req?.url === '/health')).toBe(true);

    const quiet = await start({ LOG_LEVEL: 'warn' });
    await fetch(`${quiet.app.url}/api/regions`);
    const lines = (await quiet.lines()).map((l) => JSON.parse(l) as LogLine);
    expect(lines.filter((l) => l.level === 'info' || l.level === 'debug')).toEqual([]);
  });
});
