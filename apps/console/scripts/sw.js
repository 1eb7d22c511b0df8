// Builds the console's service worker (sw/sw.ts) into dist/sw.js, after `vite build`: its own small
// bundle (not a page chunk, so outside the weight budget), with the precache list injected where
// sw.ts reads self.__WB_MANIFEST: every file vite wrote (dist/.vite/manifest.json: entries, chunks,
// their CSS and assets) plus index.html, the web app manifest and the icons. Hashed files need no
// revision (their name changes with their content); the others carry a hash of their bytes.
//
//   node apps/console/scripts/sw.js
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const dir = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(dir, 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

const hashed = new Set();
for (const chunk of Object.values(manifest)) {
  for (const file of [chunk.file, ...(chunk.css ?? []), ...(chunk.assets ?? [])]) if (file) hashed.add(file);
}
const revision = (file) => createHash('sha256').update(readFileSync(join(dist, file))).digest('hex').slice(0, 16);
const unhashed = ['index.html', 'manifest.webmanifest', 'favicon.svg', 'icon-192.png', 'icon-512.png'].filter((file) => existsSync(join(dist, file)));
const entries = [
  ...[...hashed].sort().map((file) => ({ url: `/${file}`, revision: null })),
  ...unhashed.map((file) => ({ url: `/${file}`, revision: revision(file) })),
];

await build({
  configFile: false,
  root: dir,
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: dist,
    emptyOutDir: false,
    copyPublicDir: false,
    sourcemap: false,
    minify: true,
    lib: { entry: join(dir, 'sw', 'sw.ts'), formats: ['iife'], name: 'shecunServiceWorker', fileName: () => 'sw.js' },
  },
});

const file = join(dist, 'sw.js');
const code = readFileSync(file, 'utf8');
const marker = 'self.__WB_MANIFEST';
if (code.split(marker).length !== 2) throw new Error(`[sw] expected ${marker} once in dist/sw.js`);
writeFileSync(file, code.replace(marker, JSON.stringify(entries)));
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
console.log(`[sw] dist/sw.js ${kB(readFileSync(file).length)}: ${entries.length} files precached`);
