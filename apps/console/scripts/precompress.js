// Writes each hashed asset of the build (dist/assets: scripts, styles, SVG, JSON) once compressed,
// beside it: `<file>.br` (brotli at its best quality, 11) and `<file>.gz` (gzip level 9). The server
// sends them as they are to a browser that accepts them (apps/standalone/src/console.ts), so a phone
// downloads the smallest bytes without the server compressing anything per request. Run after
// `vite build` (scripts/build.js).
//
//   node apps/console/scripts/precompress.js [distFolder]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = dirname(dirname(fileURLToPath(import.meta.url)));
const assets = join(process.argv[2] ?? join(dir, 'dist'), 'assets');
const COMPRESSIBLE = /\.(js|mjs|css|svg|json|txt|html|wasm)$/;

let files = 0;
let raw = 0;
let br = 0;
for (const name of readdirSync(assets)) {
  if (!COMPRESSIBLE.test(name)) continue;
  const bytes = readFileSync(join(assets, name));
  const brotli = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  writeFileSync(join(assets, `${name}.br`), brotli);
  writeFileSync(join(assets, `${name}.gz`), gzipSync(bytes, { level: 9 }));
  files += 1;
  raw += bytes.length;
  br += brotli.length;
}
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
console.log(`[precompress] ${files} assets: ${kB(raw)}, ${kB(br)} as brotli (.br and .gz beside each)`);
