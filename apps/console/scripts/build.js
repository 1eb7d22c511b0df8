// Builds the web console into apps/console/dist: `npm ci` first when its node_modules is missing or
// older than its package-lock.json, then a type check and `vite build`. Run from anywhere:
// `npm run build:console` at the repository root. The console is its own npm package, so this
// never touches the root node_modules.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(dirname(fileURLToPath(import.meta.url)));
const lock = join(dir, 'package-lock.json');
const modules = join(dir, 'node_modules');
// npm writes node_modules/.package-lock.json on every install: its age is the install's age.
const installed = join(modules, '.package-lock.json');

function run(command, args) {
  const started = Date.now();
  console.log(`[console] ${command === process.execPath ? 'node' : command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: dir, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`[console] failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
  console.log(`[console] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale) run('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund']);
else console.log('[console] node_modules is up to date with package-lock.json');

run(process.execPath, [join(modules, 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json'), '--noEmit']);
run(process.execPath, [join(modules, 'vite', 'bin', 'vite.js'), 'build']);
