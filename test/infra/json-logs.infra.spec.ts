import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { requireBuild } from '../support/child-app';
import { removeDir } from '../support/embedded-app';
import { PrivatePostgres, startPrivatePostgres } from '../support/private-pg';
import { ServiceProcess } from '../support/processes';
import { Topology } from '../support/topology';

const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

interface LogLine {
  level: string;
  app: string;
  msg: string;
  reqId?: string;
  correlationId?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
}

/** A process's output as JSON lines (the first one dropped when the kept tail cut it). */
function logLines(service: ServiceProcess): LogLine[] {
  const lines = service.output().split('\n').filter((l) => l.trim() !== '');
  if (service.output().length >= 20_000) lines.shift();
  return lines.map((line) => {
    try {
      return JSON.parse(line) as LogLine;
    } catch {
      throw new Error(`${service.name} wrote a line that is not JSON: ${line}`);
    }
  });
}

/**
 * The distributed apps' logs as real processes: every line each writes is JSON with its app's
 * name, and one command's correlation id is on the gateway's request line, on the needs service's
 * line for the forwarded command, and in the metadata of the events it appended — whether the
 * client sent X-Correlation-Id or the gateway made one.
 */
describe('JSON logs of the distributed apps; one correlation id from gateway to event', () => {
  const prefix = `l${randomBytes(4).toString('hex')}.`;
  const dir = mkdtempSync(join(tmpdir(), 'json-logs-'));
  let pg: PrivatePostgres;
  let topology: Topology;
  let eventsUrl: string;

  beforeAll(async () => {
    requireBuild();
    pg = await startPrivatePostgres();
    const [events, read, needs] = await Promise.all([pg.createDatabase('events'), pg.createDatabase('read'), pg.createDatabase('needs')]);
    eventsUrl = events;
    topology = new Topology({ eventStoreUrl: events, readUrl: read, needsUrl: needs, brokers: KAFKA_BROKERS, prefix });
    await topology.startAll(dir);
  }, 180_000);

  afterAll(async () => {
    await topology?.stopAll();
    pg?.destroy();
    removeDir(dir);
  }, 120_000);

  const postNeed = (extra: Record<string, string>) =>
    fetch(`${topology.gateway.url}/api/needs`, {
      method: 'POST',
      headers: { ...topology.users['cadre-01'], 'content-type': 'application/json', ...extra },
      body: JSON.stringify({ villageCode: '441826105201', title: '日志', category: 'care', publish: true, lineItems: [{ kind: 'goods', description: '棉被', unit: '床', quantity: 5 }] }),
    });

  const correlationsInStore = async (needId: string): Promise<string[]> => {
    const client = new Client({ connectionString: eventsUrl });
    await client.connect();
    try {
      const rows = (await client.query<{ correlation: string }>(`SELECT metadata->>'correlationId' AS correlation FROM event_store.events WHERE stream = $1`, [`need-${needId}`])).rows;
      return [...new Set(rows.map((r) => r.correlation))];
    } finally {
      await client.end();
    }
  };

  it('carries the correlation id the client sent, or the one the gateway made, through both processes into the events', async () => {
    const sent = await postNeed({ 'x-correlation-id': 'logs-corr-1' });
    expect(sent.status).toBe(201);
    const sentNeed = ((await sent.json()) as { needId: string }).needId;

    const made = await postNeed({});
    expect(made.status).toBe(201);
    const madeNeed = ((await made.json()) as { needId: string }).needId;
    const madeRequestId = made.headers.get('x-request-id');
    expect(madeRequestId).toBeTruthy();
    await new Promise((r) => setTimeout(r, 300));

    const gatewayLines = logLines(topology.service('gateway')).filter((l) => l.req?.method === 'POST' && l.req.url === '/api/needs');
    const serviceLines = logLines(topology.service('needs-service')).filter((l) => l.req?.method === 'POST' && l.req.url === '/api/needs');
    const madeCorrelation = gatewayLines.find((l) => l.reqId === madeRequestId)?.correlationId;
    expect(madeCorrelation).toMatch(/^[0-9a-f-]{36}$/);
    for (const [correlation, needId] of [['logs-corr-1', sentNeed], [madeCorrelation!, madeNeed]] as const) {
      expect({ correlation, gateway: gatewayLines.filter((l) => l.correlationId === correlation).length, service: serviceLines.filter((l) => l.correlationId === correlation && l.res?.statusCode === 201).length }).toEqual({
        correlation,
        gateway: 1,
        service: 1,
      });
      expect(await correlationsInStore(needId)).toEqual([correlation]);
    }
  });

  it('every app writes only JSON lines, each naming the app', () => {
    for (const name of ['needs-service', 'projector', 'relay', 'gateway']) {
      const lines = logLines(topology.service(name));
      expect(lines.length).toBeGreaterThan(0);
      expect({ name, apps: [...new Set(lines.map((l) => l.app))] }).toEqual({ name, apps: [name] });
    }
  });
});
