// `npm start`: builds only what changed since the last build (see build-stamp.js), then runs the
// embedded app in this process. A fresh clone builds everything, as before; an unchanged tree
// starts at once. SHECUN_START_BUILD=always builds both parts regardless; =never runs what is built.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { plan } = require('./build-stamp');

const root = join(__dirname, '..');
const mode = process.env.SHECUN_START_BUILD ?? 'changed';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (mode !== 'never') {
  const started = Date.now();
  const parts = plan(root);
  for (const name of ['console', 'server']) {
    const part = parts[name];
    if (mode !== 'always' && !part.build) {
      console.log(`[start] ${name}: up to date (${part.files} source files unchanged since the last build)`);
      continue;
    }
    console.log(`[start] ${name}: building (${mode === 'always' ? 'SHECUN_START_BUILD=always' : part.reason})`);
    const env = { ...process.env, [`SHECUN_SOURCES_${name.toUpperCase()}`]: JSON.stringify({ fingerprint: part.fingerprint, files: part.files }) };
    const result = spawnSync(npm, ['run', `build:${name}`], { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' });
    if (result.error) throw result.error;
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  console.log(`[start] checked the build in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

require(join(root, 'dist', 'apps', 'standalone', 'src', 'main.js'));
