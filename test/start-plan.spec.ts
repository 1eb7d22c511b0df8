/**
 * What `npm start` builds (scripts/build-stamp.js), on a small tree in a temp folder: nothing when
 * nothing changed since the last build, only the server or only the console when only its sources
 * changed, everything on a fresh clone.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plan, writeStamp } = require('../scripts/build-stamp.js') as {
  plan(root: string): Record<'console' | 'server', { build: boolean; reason: string | null }>;
  writeStamp(root: string, part: 'console' | 'server'): void;
};

let root: string;
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const builds = () => {
  const p = plan(root);
  return { console: p.console.build, server: p.server.build };
};
/** What a build leaves: the outputs, then the stamps. */
const build = () => {
  write('apps/console/dist/index.html', '<html></html>');
  write('dist/apps/standalone/src/main.js', 'require("./bootstrap")');
  writeStamp(root, 'console');
  writeStamp(root, 'server');
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'start-plan-'));
  write('package-lock.json', '{"lockfileVersion":3}');
  write('tsconfig.json', '{"compilerOptions":{}}');
  write('tsconfig.build.json', '{"extends":"./tsconfig.json"}');
  write('apps/standalone/src/main.ts', 'main();');
  write('libs/needs/src/need.decider.ts', 'export const needDecider = {};');
  write('libs/needs/src/need.decider.spec.ts', 'it("x", () => {});');
  write('apps/console/src/App.tsx', 'export const App = () => null;');
  write('apps/console/src/api/openapi.json', '{}');
  write('apps/console/package.json', '{"name":"shecun-console"}');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('what npm start builds', () => {
  it('builds both on a fresh clone (nothing built yet)', () => {
    expect(builds()).toEqual({ console: true, server: true });
    expect(plan(root).server.reason).toBe('not built yet');
  });

  it('builds nothing on an unchanged tree', () => {
    build();
    expect(builds()).toEqual({ console: false, server: false });
  });

  it('builds nothing when files are only touched or a spec changes (neither is in the build)', () => {
    build();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'libs/needs/src/need.decider.ts'), later, later);
    write('libs/needs/src/need.decider.spec.ts', 'it("y", () => {});');
    write('apps/console/src/api/schema.d.ts', 'export interface paths {}');
    expect(builds()).toEqual({ console: false, server: false });
  });

  it('builds only the server when a server source changes', () => {
    build();
    write('libs/needs/src/need.decider.ts', 'export const needDecider = { changed: true };');
    expect(builds()).toEqual({ console: false, server: true });
    expect(plan(root).server.reason).toBe('sources changed since the last build');
  });

  it('builds only the server when a new server file appears or tsconfig changes', () => {
    build();
    write('libs/needs/src/need.rules.ts', 'export {};');
    expect(builds()).toEqual({ console: false, server: true });
    build();
    write('tsconfig.build.json', '{"extends":"./tsconfig.json","compilerOptions":{"sourceMap":true}}');
    expect(builds()).toEqual({ console: false, server: true });
  });

  it('builds only the console when a console source changes', () => {
    build();
    write('apps/console/src/App.tsx', 'export const App = () => "社村通";');
    expect(builds()).toEqual({ console: true, server: false });
  });

  it('builds a part whose output is gone, or whose stamp is missing', () => {
    build();
    rmSync(join(root, 'dist'), { recursive: true });
    expect(builds()).toEqual({ console: false, server: true });
    build();
    rmSync(join(root, 'apps/console/dist/.build-stamp.json'));
    expect(builds()).toEqual({ console: true, server: false });
  });
});
