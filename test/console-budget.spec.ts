import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', 'apps', 'console', 'scripts', 'budget.js');
const PRECOMPRESS = join(__dirname, '..', 'apps', 'console', 'scripts', 'precompress.js');

/**
 * A built console in miniature: an entry, a shared chunk it imports, and one lazy page, each with
 * the `.br` file the build writes beside it (scripts/precompress.js, run here as the build runs it).
 * Incompressible bytes, so sizes are predictable.
 */
function miniatureBuild(): string {
  const dist = mkdtempSync(join(tmpdir(), 'shecun-budget-'));
  mkdirSync(join(dist, '.vite'), { recursive: true });
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'assets', 'index.js'), randomBytes(20 * 1024));
  writeFileSync(join(dist, 'assets', 'common.js'), randomBytes(30 * 1024));
  writeFileSync(join(dist, 'assets', 'Page.js'), randomBytes(40 * 1024));
  writeFileSync(join(dist, 'assets', 'Other.js'), randomBytes(100 * 1024));
  writeFileSync(join(dist, '.vite', 'manifest.json'), JSON.stringify({
    'index.html': { file: 'assets/index.js', isEntry: true, imports: ['_common.js'], dynamicImports: ['src/pages/Page.tsx', 'src/pages/Other.tsx'] },
    '_common.js': { file: 'assets/common.js' },
    'src/pages/Page.tsx': { file: 'assets/Page.js', isDynamicEntry: true, imports: ['_common.js'] },
    'src/pages/Other.tsx': { file: 'assets/Other.js', isDynamicEntry: true },
  }));
  const precompressed = spawnSync(process.execPath, [PRECOMPRESS, dist], { encoding: 'utf8' });
  if (precompressed.status !== 0) throw new Error(precompressed.stderr);
  return dist;
}

function check(dist: string, pages: Array<{ name: string; page: string | null; limitKB: number }>) {
  const budget = join(dist, 'budget.json');
  writeFileSync(budget, JSON.stringify({ pages }));
  return spawnSync(process.execPath, [SCRIPT, dist, budget], { encoding: 'utf8' });
}

describe('the console weight budget', () => {
  let dist: string;
  beforeAll(() => (dist = miniatureBuild()));
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('counts the entry, the page and what they import statically, not other lazy pages, and passes within budget', () => {
    const result = check(dist, [{ name: 'sign-in', page: null, limitKB: 60 }, { name: 'page', page: 'src/pages/Page.tsx', limitKB: 100 }]);
    expect(result.status).toBe(0);
    // ≈ 50 kB (index + common) and ≈ 90 kB (+ Page); Other (100 kB) is not loaded by either.
    expect(result.stdout).toMatch(/ok\s+sign-in\s+5\d\.\d kB of\s+60 kB/);
    expect(result.stdout).toMatch(/ok\s+page\s+9\d\.\d kB of 100 kB/);
  });

  it('fails the build, naming the page, when a page is over its budget', () => {
    const result = check(dist, [{ name: 'page', page: 'src/pages/Page.tsx', limitKB: 80 }]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/OVER\s+page\s+9\d\.\d kB of\s+80 kB/);
    expect(result.stderr).toMatch(/1 page\(s\) over budget/);
  });

  it('refuses a build whose assets have no .br beside them (the files the server sends)', () => {
    rmSync(join(dist, 'assets', 'common.js.br'));
    try {
      const result = check(dist, [{ name: 'sign-in', page: null, limitKB: 60 }]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/common\.js\.br is missing/);
    } finally {
      spawnSync(process.execPath, [PRECOMPRESS, dist], { encoding: 'utf8' });
    }
  });

  it('refuses a budget naming a page the build does not have', () => {
    const result = check(dist, [{ name: 'gone', page: 'src/pages/Gone.tsx', limitKB: 80 }]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/src\/pages\/Gone.tsx/);
  });
});
