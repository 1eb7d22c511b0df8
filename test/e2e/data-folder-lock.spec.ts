import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, RunningApp, startChild, stopChild, waitHealthy } from '../support/child-app';
import { removeDir } from '../support/embedded-app';

const CLI = join(ROOT, 'dist', 'apps', 'standalone', 'src', 'cli.js');

/** Resolves with the exit code once the process has ended (or fails after `timeoutMs`). */
function exited(app: RunningApp, timeoutMs = 60_000): Promise<number | null> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return Promise.resolve(app.child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms:\n${app.output()}`)), timeoutMs);
    app.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Runs the CLI without blocking the test's event loop (its HTTP connections stay usable). */
function cli(dataDir: string, args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

function holderRow(dataDir: string): { pid: number; command: string } | undefined {
  const db = new Database(join(dataDir, 'shecun.lock'), { readonly: true, timeout: 2000 });
  try {
    return db.prepare('SELECT pid, command FROM holder').get() as { pid: number; command: string } | undefined;
  } finally {
    db.close();
  }
}

/** The real `npm start` process, twice on one data folder. */
describe('one process per data folder (the real process)', () => {
  const dirs: string[] = [];
  const running: RunningApp[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'shecun-lock-'));
    dirs.push(d);
    return d;
  };
  const start = async (dataDir: string) => {
    const app = await startChild(dataDir);
    running.push(app);
    return app;
  };
  afterAll(async () => {
    for (const app of running) await stopChild(app, 'SIGKILL');
    dirs.forEach(removeDir);
  });

  it('a second server and every CLI command refuse while the first runs, naming its pid; a stop or a SIGKILL frees the folder', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    await waitHealthy(first);
    const pid = first.child.pid!;
    expect(holderRow(dataDir)).toEqual({ pid, command: 'server' });

    const second = await start(dataDir);
    expect(await exited(second)).not.toBe(0);
    expect(second.output()).toContain(`数据目录 ${dataDir} 正被进程 ${pid}（server`);
    expect(second.output()).toContain(`(The data folder ${dataDir} is in use by process ${pid} (server`);
    expect(second.output()).not.toMatch(/listening on/);

    // Writing commands, and the reading ones (their app context runs background work too).
    for (const args of [['seed-demo'], ['rebuild'], ['create-admin', 'root-admin'], ['projections'], ['verify-ledger']]) {
      const result = await cli(dataDir, args);
      expect({ args, status: result.status, named: result.stderr.includes(`in use by process ${pid}`) }).toEqual({ args, status: 1, named: true });
    }
    // The first is still up and alone.
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    expect((await fetch(`${first.url}/health/live`)).status).toBe(200);

    // A clean stop lets the folder go (and its row).
    await stopChild(first);
    expect(holderRow(dataDir)).toBeUndefined();
    expect((await cli(dataDir, ['projections'])).status).toBe(0);
    const third = await start(dataDir);
    await waitHealthy(third);
    expect(holderRow(dataDir)).toEqual({ pid: third.child.pid, command: 'server' });

    // SIGKILL: the system drops the lock with the process; the next start takes over and says so.
    await stopChild(third, 'SIGKILL');
    const fourth = await start(dataDir);
    await waitHealthy(fourth);
    expect(fourth.output()).toContain(`process ${third.child.pid} ended without releasing the data folder`);
    expect(holderRow(dataDir)).toEqual({ pid: fourth.child.pid, command: 'server' });
    await stopChild(fourth);
  }, 240_000);

  it('two servers started at the same moment: exactly one runs, the other names it', async () => {
    const dataDir = tempDir();
    const [a, b] = await Promise.all([start(dataDir), start(dataDir)]);
    const onExit = (app: RunningApp) => new Promise<RunningApp>((resolve) => app.child.once('exit', () => resolve(app)));
    const loser = await Promise.race([onExit(a), onExit(b)]);
    const winner = loser === a ? b : a;
    expect(loser.child.exitCode).toBe(1);
    expect(loser.output()).toContain(`in use by process ${winner.child.pid} (server`);
    await waitHealthy(winner);
    expect(holderRow(dataDir)).toEqual({ pid: winner.child.pid, command: 'server' });
    await stopChild(winner);
  }, 120_000);
});
