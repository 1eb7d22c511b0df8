// The console's weight budget, checked after every `vite build` (scripts/build.js runs it): for the
// sign-in page and each role's first page after signing in, the JavaScript a browser must download
// (the entry, the page's chunk and everything they import statically), compressed with brotli as
// the server sends it: the `.br` file written beside each asset at build (scripts/precompress.js,
// quality 11), which the server sends as it is (apps/standalone/src/console.ts). Prints the sizes; exits 1 when a page is over its budget (budget.json).
//
//   node apps/console/scripts/budget.js [distFolder] [budgetFile]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = process.argv[2] ?? join(dir, 'dist');
const manifestFile = join(dist, '.vite', 'manifest.json');
if (!existsSync(manifestFile)) {
  console.error(`[budget] ${manifestFile} is missing: build the console first (vite build writes it)`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const budget = JSON.parse(readFileSync(process.argv[3] ?? join(dir, 'budget.json'), 'utf8'));
const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);

/** The chunks `keys` load before they run: themselves and their static imports, recursively. */
function closure(keys, seen = new Set()) {
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    closure(manifest[key].imports ?? [], seen);
  }
  return seen;
}

/**
 * The chunks loaded one after the other from the entry to `page` (the entry loads the signed-in
 * console, which loads the page): the shortest chain of dynamic imports, each with its static ones.
 */
function route(page) {
  const before = new Map([[entry, null]]);
  const queue = [entry];
  while (queue.length > 0) {
    const key = queue.shift();
    if (key === page) break;
    for (const next of closure([key])) {
      for (const lazy of manifest[next].dynamicImports ?? []) {
        if (before.has(lazy)) continue;
        before.set(lazy, key);
        queue.push(lazy);
      }
    }
  }
  if (!before.has(page)) throw new Error(`${page} is not loaded from the entry`);
  const chain = [];
  for (let key = page; key; key = before.get(key)) chain.unshift(key);
  return chain;
}

const sizes = new Map();
function brotliSize(file) {
  if (!sizes.has(file)) {
    const brotli = join(dist, `${file}.br`);
    if (!existsSync(brotli)) throw new Error(`${brotli} is missing: scripts/precompress.js writes it after vite build`);
    sizes.set(file, { raw: readFileSync(join(dist, file)).length, br: readFileSync(brotli).length });
  }
  return sizes.get(file);
}

let over = 0;
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
console.log('[budget] JavaScript to first page (brotli, as served):');
for (const { name, page, limitKB } of budget.pages) {
  if (page && !manifest[page]) throw new Error(`budget.json names ${page}, which the build does not have`);
  const keys = page ? route(page) : [entry];
  let raw = 0;
  let br = 0;
  for (const key of closure(keys)) {
    const size = brotliSize(manifest[key].file);
    raw += size.raw;
    br += size.br;
  }
  const ok = br <= limitKB * 1024;
  if (!ok) over += 1;
  console.log(`[budget]   ${ok ? 'ok  ' : 'OVER'} ${name.padEnd(46)} ${kB(br).padStart(9)} of ${String(limitKB).padStart(3)} kB (${kB(raw)} before compression)`);
}
if (over > 0) {
  console.error(`[budget] ${over} page(s) over budget: split what they load (lazy pages, components loaded on use) or raise the budget in apps/console/budget.json with the reason`);
  process.exit(1);
}
