import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * No Docker engine runs here, so docker/compose.yml is checked against the Compose Specification's
 * JSON schema and dclint's correctness rules (ports bound to an interface, unique container names
 * and ports, …); its style rules (key and service order) are left out.
 */
const ROOT = join(__dirname, '..', '..');
const COMPOSE = join(ROOT, 'docker', 'compose.yml');
const STYLE_RULES = ['service-keys-order', 'services-alphabetical-order', 'top-level-properties-order'];

const lint = (file: string) =>
  spawnSync(process.execPath, [join(ROOT, 'node_modules', 'dclint', 'bin', 'dclint.cjs'), file, ...STYLE_RULES.flatMap((r) => ['--disable-rule', r])], { encoding: 'utf8', timeout: 60_000 });

describe('docker/compose.yml', () => {
  it('is a valid Compose file with every service of the distributed topology', () => {
    const result = lint(COMPOSE);
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: expect.any(String) });
    const text = readFileSync(COMPOSE, 'utf8');
    for (const service of ['eventstore', 'kafka', 'postgres', 'jwt-keys', 'needs-service', 'organizations-service', 'donations-service', 'relay', 'projector', 'gateway']) {
      expect(text).toMatch(new RegExp(`^  ${service}:$`, 'm'));
    }
  });

  it("keeps Kafka's log on its volume: KAFKA_LOG_DIRS is the path the kafka-data volume is mounted on", () => {
    const kafka = (parse(readFileSync(COMPOSE, 'utf8'), { merge: true }) as { services: Record<string, { environment?: Record<string, string>; volumes?: string[] }> }).services.kafka;
    const mounts = (kafka.volumes ?? []).map((v) => v.split(':')).filter(([source]) => source === 'kafka-data');
    expect(mounts).toHaveLength(1);
    // The apache/kafka image writes to /tmp/kraft-combined-logs unless KAFKA_LOG_DIRS says otherwise.
    expect(kafka.environment?.KAFKA_LOG_DIRS).toBe(mounts[0][1]);
  });

  it('has only top-level keys docker-compose 1.29 reads too (no `name`: the project name is given with -p)', () => {
    const top = Object.keys(parse(readFileSync(COMPOSE, 'utf8'), { merge: true }) as object);
    expect(top.filter((key) => !['version', 'services', 'volumes', 'networks', 'secrets', 'configs'].includes(key) && !key.startsWith('x-'))).toEqual([]);
  });

  it('the check fails on a file the specification does not allow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    try {
      const broken = join(dir, 'compose.yml');
      writeFileSync(broken, readFileSync(COMPOSE, 'utf8').replace('    healthcheck: *http-health\n', '    healthcheck: *http-health\n    restartt: always\n'));
      const result = lint(broken);
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toContain('must NOT have additional properties');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
