import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * `npm run bench:scale`: the provincial-scale benchmarks one after another, on one data set. The
 * scale seed (72,019 organizations, 200,000 needs: `cli seed-scale`, with its progress bars) is
 * written once into BENCH_SCALE_DIR (default ./data-scale) and kept for the next run; then each
 * benchmark runs in its own process, so that one's memory does not count against the next. Names
 * on the command line run only those: `npm run bench:scale -- rebuild dashboard`.
 */
const STEPS: { name: string; what: string }[] = [
  { name: 'rebuild', what: 'full rebuild of every read model from the scale data, and each projection alone' },
  { name: 'dashboard', what: 'dashboard figures for the province by city, 200,000 needs' },
  { name: 'snapshot', what: 'a command on a stream of 5,000 events, with and without snapshots' },
  { name: 'logins', what: '100 concurrent logins from one address, 100 users created, 1,000 imported' },
  { name: 'start', what: 'npm start on an unchanged tree, to healthy' },
];

function run(args: string[], env: NodeJS.ProcessEnv): number {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function main(): void {
  const root = resolve(__dirname, '..', '..');
  const dir = resolve(process.env.BENCH_SCALE_DIR ?? join(root, 'data-scale'));
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !STEPS.some((s) => s.name === name));
  if (unknown.length) throw new Error(`no benchmark ${unknown.join(', ')}; choose from ${STEPS.map((s) => s.name).join(', ')}`);
  const steps = wanted.length ? STEPS.filter((s) => wanted.includes(s.name)) : STEPS;
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

  if (!existsSync(join(dir, 'events.sqlite'))) {
    console.log(`[seed] writing the scale data into ${dir} (once; kept for the next run) — load average ${load()}`);
    const status = run([join(root, 'dist', 'apps', 'standalone', 'src', 'cli.js'), 'seed-scale'], { DATA_DIR: dir });
    if (status !== 0) throw new Error(`seed-scale failed (exit ${status})`);
  } else {
    console.log(`[seed] the scale data is in ${dir} already`);
  }
  const results: string[] = [];
  steps.forEach((step, i) => {
    console.log(`\n[${i + 1}/${steps.length}] ${step.name}: ${step.what} — load average ${load()}`);
    const started = Date.now();
    const status = run([join(root, 'dist', 'bench', 'run.js'), step.name], { BENCH_REBUILD_DATA: dir });
    results.push(`  ${step.name}: ${status === 0 ? 'done' : `failed (exit ${status})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });
  console.log(`\nbench:scale finished — load average ${load()}\n${results.join('\n')}`);
  if (results.some((r) => r.includes('failed'))) process.exitCode = 1;
}

main();
