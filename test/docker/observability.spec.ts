import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

/**
 * The `observability` profile of docker/compose.yml: Prometheus scrapes every app of the compose
 * file at its real port, the Grafana dashboard queries only series the code registers, and the two
 * services stay out of the default `up`. (compose-file.spec.ts validates the whole file.)
 */
const ROOT = join(__dirname, '..', '..');
const DOCKER = join(ROOT, 'docker');

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  profiles?: string[];
  volumes?: string[];
}
const COMPOSE = parse(readFileSync(join(DOCKER, 'compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const PROMETHEUS = parse(readFileSync(join(DOCKER, 'prometheus', 'prometheus.yml'), 'utf8')) as {
  scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
};
const DASHBOARD = JSON.parse(readFileSync(join(DOCKER, 'grafana', 'dashboards', 'shecun.json'), 'utf8')) as {
  uid: string;
  panels: { type: string; title: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'console') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [path] : [];
  });
}

/** Names of the series the code registers: prom-client metrics built with `name: '…'`, and the projection gauges; with each one's kind. */
function registeredMetrics(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of [...sourceFiles(join(ROOT, 'apps')), ...sourceFiles(join(ROOT, 'libs'))]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/new (Counter|Gauge|Histogram|Summary)\(\{\s*name: '([a-z_:][a-z0-9_:]*)'/g)) found.set(m[2], m[1]);
    for (const m of text.matchAll(/projectionGauge\(\s*'([a-z_:][a-z0-9_:]*)'/g)) found.set(m[1], 'Gauge');
    if (relative(ROOT, file) === join('libs', 'core', 'src', 'metrics.ts') && /collectDefaultMetrics\(/.test(text)) found.set('(process defaults)', 'defaults');
  }
  return found;
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'le']);

/** The metric names a PromQL expression reads (not its functions, labels, strings or Grafana variables). */
function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\{?\w+\}?/g, '');
  const names = [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)].filter((m) => !m[2] && !PROMQL_WORDS.has(m[1])).map((m) => m[1]);
  return [...new Set(names)];
}

/** Whether `name` is a series of a registered metric (a histogram's _bucket, _sum, _count; a summary's _sum, _count). */
function isRegistered(name: string, registered: Map<string, string>): boolean {
  if (registered.get(name) && registered.get(name) !== 'Histogram') return true;
  const histogram = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (histogram && ['Histogram', 'Summary'].includes(registered.get(histogram[1]) ?? '') && (histogram[2] !== 'bucket' || registered.get(histogram[1]) === 'Histogram')) return true;
  return registered.has('(process defaults)') && /^(process|nodejs)_/.test(name);
}

/** App services: those running one of the apps' compiled mains with a PORT. */
const APPS = Object.entries(COMPOSE.services).filter(([, s]) => /^dist\/apps\/[^/]+\/src\/main\.js$/.test(s.command?.[1] ?? '') && s.environment?.PORT);

describe('observability profile of docker/compose.yml', () => {
  const registered = registeredMetrics();
  const queried = DASHBOARD.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNamesOf(t.expr)));

  it('reads PromQL the way the checks below need', () => {
    expect(metricNamesOf('histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{status=~"5..",job="x"}[$__rate_interval])))')).toEqual(['http_request_duration_seconds_bucket']);
    expect(metricNamesOf('max by (group) (sum by (group, instance) (kafka_consumer_group_lag)) + on (job) up')).toEqual(['kafka_consumer_group_lag', 'up']);
    expect(registered.get('http_request_duration_seconds')).toBe('Histogram');
    expect(registered.get('shecun_projection_parked_events')).toBe('Gauge');
    expect(registered.get('kafka_consumer_group_lag')).toBe('Gauge');
    expect(isRegistered('http_request_duration_seconds', registered)).toBe(false);
    expect(isRegistered('shecun_nothing_total', registered)).toBe(false);
  });

  it('the dashboard queries only series the code registers', () => {
    expect(queried.length).toBeGreaterThan(10);
    expect(queried.filter((name) => !isRegistered(name, registered))).toEqual([]);
  });

  it('the dashboard has a panel for each of: HTTP durations, appends and conflicts, relay and projection lag, Kafka group lag, parked events, webhooks, login failures', () => {
    const needed = [
      'http_request_duration_seconds_bucket',
      'shecun_event_store_append_duration_seconds_bucket',
      'shecun_event_store_append_conflicts_total',
      'shecun_relay_lag_events',
      'shecun_projection_lag_events',
      'kafka_consumer_group_lag',
      'shecun_projection_parked_events',
      'shecun_webhook_attempts_total',
      'shecun_login_failures_total',
    ];
    expect(needed.filter((name) => !queried.includes(name))).toEqual([]);
    const datasources = new Set(DASHBOARD.panels.filter((p) => p.type !== 'row').map((p) => p.datasource?.uid));
    const provisioned = parse(readFileSync(join(DOCKER, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')) as { datasources: { uid: string; url: string }[] };
    expect([...datasources]).toEqual([provisioned.datasources[0].uid]);
    expect(provisioned.datasources[0].url).toBe('http://prometheus:9090');
  });

  it('prometheus.yml scrapes every app service of compose.yml at its PORT, and nothing else', () => {
    expect(APPS.map(([name]) => name).sort()).toEqual(['donations-service', 'gateway', 'needs-service', 'organizations-service', 'projector', 'push-service', 'relay']);
    const targets = PROMETHEUS.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets.map((target) => ({ job: job.job_name, target, path: job.metrics_path ?? '/metrics' }))));
    expect(targets.sort((a, b) => a.job.localeCompare(b.job))).toEqual(
      APPS.map(([name, s]) => ({ job: name, target: `${name}:${s.environment!.PORT}`, path: '/metrics' })).sort((a, b) => a.job.localeCompare(b.job)),
    );
  });

  it('prometheus and grafana are in the observability profile only, with their files mounted; the default up is unchanged', () => {
    const profiled = Object.entries(COMPOSE.services).filter(([, s]) => s.profiles !== undefined);
    expect(profiled.map(([name, s]) => [name, s.profiles])).toEqual([
      ['prometheus', ['observability']],
      ['grafana', ['observability']],
    ]);
    expect(COMPOSE.services.prometheus.volumes).toContain('./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    expect(COMPOSE.services.grafana.volumes).toEqual(expect.arrayContaining(['./grafana/provisioning:/etc/grafana/provisioning:ro', './grafana/dashboards:/var/lib/grafana/dashboards:ro']));
    const provider = parse(readFileSync(join(DOCKER, 'grafana', 'provisioning', 'dashboards', 'shecun.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
    expect(provider.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });
});
