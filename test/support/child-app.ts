import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'standalone', 'src', 'main.js');
const CLI = join(ROOT, 'dist', 'apps', 'standalone', 'src', 'cli.js');

/** The compiled app must exist: `npm test` builds it first. */
export function requireBuild(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface RunningApp {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
}

/** Starts `node dist/apps/standalone/src/main.js` — what `npm start` runs — as a real process. */
export async function startChild(dataDir: string, env: Record<string, string> = {}): Promise<RunningApp> {
  requireBuild();
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => output };
}

/** Waits until GET /health answers 200 (projections caught up), or fails with the app's output. */
export async function waitHealthy(app: RunningApp, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`app exited with ${app.child.exitCode}:\n${app.output()}`);
    try {
      const res = await fetch(`${app.url}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`app not healthy within ${timeoutMs} ms:\n${app.output()}`);
}

export function stopChild(app: RunningApp, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (app.child.exitCode !== null || app.child.signalCode !== null) return resolve(app.child.exitCode);
    app.child.once('exit', (code) => resolve(code));
    app.child.kill(signal);
  });
}

/** Runs the CLI (`npm run rebuild` etc.) against a data folder. */
export function runCli(dataDir: string, args: string[]): string {
  requireBuild();
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`cli ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
}
