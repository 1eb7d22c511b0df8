import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface StartBenchResult {
  rounds: number;
  /** Seconds from spawning `npm start` to GET /health answering 200, per round. */
  start: number[];
  /** Seconds from spawning node with a bare http server to its first answer, per round. */
  raw: number[];
  /** Whether every measured start built nothing (its log says both parts were up to date). */
  builtNothing: boolean;
  loadAverage: { before: number; after: number };
}

const root = resolve(__dirname, '..', '..');
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/** Spawns a command in its own process group, so stopping it stops npm and the node it starts. */
function launch(command: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; log: () => string } {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, log: () => out };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Seconds until `url` answers 200 (the process must stay up meanwhile). */
async function secondsUntilOk(url: string, child: ChildProcess, started: bigint, log: () => string, timeoutMs = 600_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before answering:\n${log().slice(-2000)}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return Number(process.hrtime.bigint() - started) / 1e9;
    } catch {
      // not listening yet
    }
    await pause(25);
  }
  throw new Error(`${url} did not answer 200 in ${timeoutMs} ms`);
}

/**
 * `npm start` on an unchanged tree (after a first start that seeds the demo into a temp data
 * folder) until GET /health answers 200, against the raw baseline of node starting a bare http
 * server until its first answer.
 */
export async function startBench(rounds = 3, seed = true): Promise<StartBenchResult> {
  const before = loadavg()[0];
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  try {
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir, SEED_DEMO: String(seed) };
    const health = `http://127.0.0.1:${port}/health`;
    {
      const first = launch('npm', ['start'], env);
      console.log(`start: first start${seed ? ' (seeds the demo)' : ''}…`);
      const seconds = await secondsUntilOk(health, first.child, process.hrtime.bigint(), first.log);
      console.log(`start: first start healthy after ${seconds.toFixed(1)} s`);
      await stop(first.child);
    }
    const start: number[] = [];
    let builtNothing = true;
    for (let i = 0; i < rounds; i++) {
      const t0 = process.hrtime.bigint();
      const run = launch('npm', ['start'], env);
      start.push(await secondsUntilOk(health, run.child, t0, run.log));
      builtNothing &&= /\[start\] console: up to date/.test(run.log()) && /\[start\] server: up to date/.test(run.log());
      await stop(run.child);
      console.log(`start: round ${i + 1}: healthy after ${start[i].toFixed(2)} s`);
    }
    const raw: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const rawPort = await freePort();
      const t0 = process.hrtime.bigint();
      const bare = launch(process.execPath, ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${rawPort}, '127.0.0.1')`], {});
      raw.push(await secondsUntilOk(`http://127.0.0.1:${rawPort}/`, bare.child, t0, bare.log));
      await stop(bare.child);
    }
    return { rounds, start, raw, builtNothing, loadAverage: { before, after: loadavg()[0] } };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
