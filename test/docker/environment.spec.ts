import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { commandRoutesOf } from '../../libs/hosting/src/read-model-feeds';
import { scanEnvReads } from './env-reads';

/**
 * docker/README.md's table of environment variables is the code's: every variable apps/ and libs/
 * read is in it, and it lists none that no code reads; docker/compose.yml sets only documented
 * variables on the product's containers (the third-party images take their own KAFKA_*,
 * POSTGRES_*, EVENTSTORE_*), and the host variables it interpolates are documented too.
 */
const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'docker', 'README.md'), 'utf8');
const COMPOSE = parse(readFileSync(join(ROOT, 'docker', 'compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: unknown; environment?: Record<string, unknown> }>;
};
const THIRD_PARTY_PREFIX: Record<string, RegExp> = { kafka: /^KAFKA_/, postgres: /^POSTGRES_/, eventstore: /^EVENTSTORE_/ };

/** The variables named in the first column of the table under a `## ` heading of docker/README.md. */
function tableUnder(heading: string): string[] {
  const start = README.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docker/README.md has no "## ${heading}" section`);
  const end = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  return section
    .split('\n')
    .map((line) => /^\| `([A-Z][A-Z0-9_]*)` \|/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** The names a computed read of the code stands for, found by running the code that computes them. */
const COMPUTED_READS: Record<string, () => string[]> = {
  // The gateway's `<SERVICE>_SERVICE_URL`, one per context with command routes.
  'libs/hosting/src/read-model-feeds.ts: env[variable]': () => {
    const read = new Set<string>();
    const env = new Proxy({} as NodeJS.ProcessEnv, { get: (_, key) => (typeof key === 'string' && read.add(key), 'http://service') });
    commandRoutesOf(env);
    return [...read];
  },
};

function variablesTheCodeReads(): { names: string[]; unresolved: string[] } {
  const scan = scanEnvReads(ROOT);
  const names = new Set(scan.names.keys());
  const unresolved: string[] = [];
  for (const site of scan.unresolved) {
    if (COMPUTED_READS[site]) COMPUTED_READS[site]().forEach((name) => names.add(name));
    else unresolved.push(site);
  }
  return { names: [...names].sort(), unresolved };
}

describe('the environment variables in docker/README.md', () => {
  const documented = tableUnder('Environment variables');
  const code = variablesTheCodeReads();

  it('every read of the environment in the code is understood (a computed name the scan cannot follow must be taught to this spec)', () => {
    expect(code.unresolved).toEqual([]);
    expect(code.names).toEqual(expect.arrayContaining(['EVENT_STORE_URL', 'KAFKA_SESSION_TIMEOUT_MS', 'RELAY_NAME', 'NEEDS_SERVICE_URL', 'RATE_LIMIT_LOGIN_PER_MINUTE', 'NEED_EXPIRY_SWEEP']));
  });

  it('lists every variable the code reads, once, and none it does not', () => {
    expect(documented.filter((name, i) => documented.indexOf(name) !== i)).toEqual([]);
    expect({ missingFromTable: code.names.filter((n) => !documented.includes(n)), readByNoCode: documented.filter((n) => !code.names.includes(n)) }).toEqual({
      missingFromTable: [],
      readByNoCode: [],
    });
  });

  it('compose.yml sets only documented variables on the product containers, and only their own on third-party ones', () => {
    const wrong: string[] = [];
    for (const [service, definition] of Object.entries(COMPOSE.services)) {
      const ours = definition.image === 'shecun:latest' || definition.build !== undefined;
      for (const name of Object.keys(definition.environment ?? {})) {
        const allowed = ours ? documented.includes(name) : THIRD_PARTY_PREFIX[service]?.test(name) === true;
        if (!allowed) wrong.push(`${service}: ${name}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(Object.keys(COMPOSE.services.kafka.environment ?? {}).length).toBeGreaterThan(0);
    expect(Object.keys(COMPOSE.services.gateway.environment ?? {})).toEqual(expect.arrayContaining(['EVENT_STORE_URL', 'READ_DATABASE_URL']));
  });

  it('the host variables compose.yml interpolates are those of its own table', () => {
    const text = readFileSync(join(ROOT, 'docker', 'compose.yml'), 'utf8');
    const interpolated = [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))].sort();
    expect(interpolated).toEqual([...tableUnder('Variables of compose.yml itself')].sort());
  });
});

describe('the scan of environment reads', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'env-scan-'));
    write('apps/a/src/main.ts', "const port = process.env.PORT; const { HOST, 'QUOTED': q } = process.env;\nrequired('GIVEN_BY_CALL');\n// process.env.IN_A_COMMENT\nconst s = 'process.env.IN_A_STRING';\n");
    write('libs/x/src/env.ts', 'export function required(name: string) { return process.env[name]; }\nexport const f = (env: NodeJS.ProcessEnv) => env.FROM_PARAM ?? env["BRACKETED"];\n');
    write('libs/x/src/sweeper.ts', 'abstract class Base { constructor(private readonly n: string, private readonly sw: string) {} on() { return process.env[this.sw]; } }\nclass Sub extends Base { constructor() { super("Name", "SUB_SWEEP"); } }\n');
    write('libs/x/src/computed.ts', 'export const g = (env: NodeJS.ProcessEnv, s: string) => { const v = `${s}_URL`; return env[v]; };\n');
    write('libs/x/src/x.spec.ts', 'process.env.ONLY_IN_A_SPEC;\n');
    write('libs/x/src/testing/fixture.ts', 'process.env.ONLY_IN_TESTING;\n');
    write('apps/console/src/main.ts', 'process.env.ONLY_IN_CONSOLE;\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds direct, destructured, bracketed, parameter-named and constructor-named reads, skips specs, test helpers, the console, comments and strings, and reports what it cannot name', () => {
    const scan = scanEnvReads(root);
    expect([...scan.names.keys()].sort()).toEqual(['BRACKETED', 'FROM_PARAM', 'GIVEN_BY_CALL', 'HOST', 'PORT', 'QUOTED', 'SUB_SWEEP']);
    expect(scan.unresolved).toEqual(['libs/x/src/computed.ts: env[v]']);
  });
});
