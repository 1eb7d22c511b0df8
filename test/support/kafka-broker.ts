import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './child-app';

/**
 * The local broker of scripts/kafka/kafka.sh, for tests that restart it mid-stream. The same
 * broker comes back: same configuration, same log directory (.infra/kafka/data), same port.
 */
const SCRIPT = join(ROOT, 'scripts', 'kafka', 'kafka.sh');
const PID_FILE = join(ROOT, '.infra', 'kafka', 'kafka.pid');

function kafkaSh(...args: string[]): string {
  const result = spawnSync('bash', [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0) throw new Error(`kafka.sh ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
}

export const localBroker = {
  /** Whether kafka.sh's broker runs (a fault test cannot restart a broker it does not manage). */
  isRunning: () => spawnSync('bash', [SCRIPT, 'status'], { cwd: ROOT }).status === 0,
  start: () => kafkaSh('start'),
  /** Orderly shutdown (SIGTERM, the broker closes its logs). */
  stop: () => kafkaSh('stop'),
  /** SIGKILL: the broker dies mid-write and recovers its log directory on the next start. */
  kill: async () => {
    if (!existsSync(PID_FILE)) throw new Error('no broker pid file: is the broker running under kafka.sh?');
    const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 100));
  },
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
