#!/usr/bin/env node
// Adds the worked example context (docs/examples/volunteer) to a scratch copy of the project and
// counts what that touched: the new folder, and the lines changed in every other file.
//   node scripts/try-adding-a-context.js [<scratch folder>]
// Then, in the scratch folder: `npx tsc -p tsconfig.json --noEmit` and `npx jest libs/volunteer`.
const { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const NAME = 'volunteer';
const LINE = (indent) => `${indent}(require('@shecun/${NAME}') as typeof import('@shecun/${NAME}')).${NAME}Context,`;
/** The lists of contexts: every app's, and the write service that hosts the example's commands. */
const HOSTING_LISTS = ['libs/hosting/src/contexts.ts', 'apps/organizations-service/src/main.ts'];
const COPIED = ['apps', 'libs', 'test/support', 'bench', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'jest.config.js', '.swcrc', 'package.json'];

/** A scratch copy of the sources (not the console, whose package stands apart), sharing node_modules. */
function scratchCopy(dir) {
  for (const path of COPIED) cpSync(join(ROOT, path), join(dir, path), { recursive: true, filter: (source) => !relative(ROOT, source).startsWith(join('apps', 'console')) });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

/** The example's folder, and one line after the last context in each hosting list. */
function addContext(dir) {
  const folder = join(dir, 'libs', NAME, 'src');
  mkdirSync(folder, { recursive: true });
  cpSync(join(ROOT, 'docs', 'examples', NAME), folder, { recursive: true });
  for (const list of HOSTING_LISTS) {
    const lines = readFileSync(join(dir, list), 'utf8').split('\n');
    const last = lines.findLastIndex((line) => /^\s*\(require\('@shecun\/[a-z-]+'\) as typeof import\('@shecun\/[a-z-]+'\)\)\.\w+Context,$/.test(line));
    if (last < 0) throw new Error(`${list}: no list of contexts found`);
    lines.splice(last + 1, 0, LINE(lines[last].match(/^\s*/)[0]));
    writeFileSync(join(dir, list), lines.join('\n'));
  }
}

const files = (dir, base = dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? files(path, base) : [relative(base, path)];
  });

/** What differs from the project: files added, and for each changed file the lines added and removed. */
function count(dir) {
  const added = [];
  const changed = [];
  for (const file of files(dir)) {
    const original = join(ROOT, file);
    if (!existsSync(original)) {
      added.push(file);
      continue;
    }
    const before = readFileSync(original, 'utf8').split('\n');
    const after = readFileSync(join(dir, file), 'utf8').split('\n');
    if (before.join('\n') === after.join('\n')) continue;
    const remaining = [...before];
    const linesAdded = after.filter((line) => {
      const at = remaining.indexOf(line);
      if (at < 0) return true;
      remaining.splice(at, 1);
      return false;
    });
    changed.push({ file, added: linesAdded.length, removed: remaining.length });
  }
  const folders = [...new Set(added.map((file) => file.split('/').slice(0, 2).join('/')))];
  return { folders, added, changed };
}

function main() {
  const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'shecun-add-context-'));
  scratchCopy(dir);
  addContext(dir);
  const result = { dir, ...count(dir) };
  console.log(`added the "${NAME}" context in ${dir}`);
  console.log(`new folders: ${result.folders.join(', ')} (${result.added.length} files)`);
  for (const c of result.changed) console.log(`changed ${c.file}: +${c.added} -${c.removed}`);
  return result;
}

if (require.main === module) main();
module.exports = { main, HOSTING_LISTS };
