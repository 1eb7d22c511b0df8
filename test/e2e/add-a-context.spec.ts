import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { main, HOSTING_LISTS } = require('../../scripts/try-adding-a-context.js') as {
  main: () => { dir: string; folders: string[]; added: string[]; changed: Array<{ file: string; added: number; removed: number }> };
  HOSTING_LISTS: string[];
};

const ROOT = join(__dirname, '..', '..');

/**
 * Adding a context is one folder plus one line per list of contexts: the worked example
 * (docs/examples/volunteer) is added to a scratch copy of the project by
 * scripts/try-adding-a-context.js, what changed is counted, and the copy type-checks and runs the
 * example's own spec (its command, query and distributed composition).
 */
describe('adding a context', () => {
  let dir: string;
  let result: ReturnType<typeof main>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'shecun-add-context-'));
    const argv = process.argv;
    process.argv = [argv[0], 'try-adding-a-context.js', dir];
    try {
      result = main();
    } finally {
      process.argv = argv;
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes one folder and one line in each list of contexts it joins', () => {
    expect(result.folders).toEqual(['libs/volunteer']);
    expect(result.changed).toEqual([...HOSTING_LISTS].sort().map((file) => ({ file, added: 1, removed: 0 })));
  });

  it('type-checks, and the new context works in the app', () => {
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const jest = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), 'libs/volunteer'], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
    expect(jest.stderr).toMatch(/Tests:\s+3 passed, 3 total/);
    expect(jest.status).toBe(0);
  }, 600_000);
});
