import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './child-app';

/**
 * A private PostgreSQL cluster for fault tests: its own data directory in a temporary folder, its
 * own port on 127.0.0.1, trust authentication. Unlike the machine's shared server, a test may stop
 * it abruptly (`pg_ctl stop -m immediate`: every backend dies without a checkpoint, like a crash) and
 * start it again on the same data directory and port (crash recovery replays the WAL).
 *
 * PostgreSQL refuses to run as root, so when the tests run as root (CI on a clean clone) the cluster's
 * commands run as the `postgres` OS user (`runuser`, else `su`), and the folder is handed to it.
 * Binaries: $PG_BIN, else `pg_config --bindir`, else the newest /usr/lib/postgresql/<n>/bin.
 */
export interface PrivatePostgres {
  port: number;
  dir: string;
  /** URL of a database of this cluster (`postgres` by default). */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** Stops the server; `immediate` kills it without a shutdown checkpoint, like a crash. */
  stop(mode?: 'fast' | 'immediate'): void;
  /** Starts it again (same data, same port) and waits until it accepts connections. */
  start(): void;
  /** Stops the server (if running) and deletes the data directory. Idempotent. */
  destroy(): void;
  log(): string;
}

const DEFAULT_BIN_ROOT = '/usr/lib/postgresql';

export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromConfig.status === 0) {
    const dir = fromConfig.stdout.trim();
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  if (existsSync(DEFAULT_BIN_ROOT)) {
    const versions = readdirSync(DEFAULT_BIN_ROOT)
      .filter((v) => existsSync(join(DEFAULT_BIN_ROOT, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(DEFAULT_BIN_ROOT, versions[0], 'bin');
  }
  throw new Error('initdb/pg_ctl not found: install the PostgreSQL server package or set PG_BIN');
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs a PostgreSQL program, as the `postgres` OS user when we are root. */
function runPg(bin: string, args: string[], timeoutMs = 120_000): SpawnSyncReturns<string> {
  const options = { encoding: 'utf8' as const, timeout: timeoutMs, cwd: tmpdir() };
  if (!isRoot()) return spawnSync(bin, args, options);
  const viaRunuser = spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], options);
  if (!(viaRunuser.error && (viaRunuser.error as NodeJS.ErrnoException).code === 'ENOENT')) return viaRunuser;
  return spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', [bin, ...args].map(shellQuote).join(' ')], options);
}

function check(result: SpawnSyncReturns<string>, what: string, log?: () => string): void {
  if (result.status === 0) return;
  const detail = result.error ? String(result.error) : `${result.stdout}\n${result.stderr}`;
  throw new Error(`${what} failed (${result.status}): ${detail}${log ? `\n--- server log ---\n${log()}` : ''}`);
}

const running = new Set<PrivatePostgres>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test run that ends without afterAll (a crash, a timeout) must not leave servers behind.
  process.once('exit', () => {
    for (const cluster of running) {
      try {
        cluster.destroy();
      } catch {
        // best effort at exit
      }
    }
  });
}

export async function startPrivatePostgres(settings: Record<string, string> = {}): Promise<PrivatePostgres> {
  const binDir = postgresBinDir();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'shecun-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (isRoot()) chownSync(dir, uidOf('postgres'), gidOf('postgres'));

  check(runPg(join(binDir, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']), 'initdb');

  const serverOptions = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    max_connections: '200',
    // The WAL still reaches the OS on every commit, so an immediate stop loses nothing; skipping
    // fsync only spares the shared machine's disk (an OS crash is not what these tests simulate).
    fsync: 'off',
    ...settings,
  };
  const optionString = Object.entries(serverOptions)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  let destroyed = false;
  let up = false;

  const cluster: PrivatePostgres = {
    port,
    dir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name: string) {
      const admin = new Client({ connectionString: cluster.url() });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return cluster.url(name);
    },
    start() {
      if (destroyed) throw new Error('private PostgreSQL was destroyed');
      check(runPg(join(binDir, 'pg_ctl'), ['-D', data, '-l', logFile, '-o', optionString, '-w', '-t', '120', 'start']), 'pg_ctl start', cluster.log);
      up = true;
    },
    stop(mode = 'fast') {
      if (!up) return;
      check(runPg(join(binDir, 'pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']), `pg_ctl stop -m ${mode}`, cluster.log);
      up = false;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      running.delete(cluster);
      if (up || existsSync(join(data, 'postmaster.pid'))) runPg(join(binDir, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
      up = false;
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-5000) : ''),
  };
  running.add(cluster);
  installExitHook();
  try {
    cluster.start();
  } catch (error) {
    cluster.destroy();
    throw error;
  }
  return cluster;
}

function idOf(flag: '-u' | '-g', user: string): number {
  const result = spawnSync('id', [flag, user], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`running as root, but there is no "${user}" OS user to run PostgreSQL as`);
  return Number(result.stdout.trim());
}
const uidOf = (user: string) => idOf('-u', user);
const gidOf = (user: string) => idOf('-g', user);
