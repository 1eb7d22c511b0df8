import { toBusMessage } from '@shecun/messaging';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { provisionDistributed, tokenKeys, waitUntilAuthorized } from './support/distributed-identity';
import { elapsedMs, Percentiles, percentiles } from './support/stats';

export interface KafkaLatencyBenchResult {
  /** Commands measured one after another (one writer), after a warm-up. */
  commands: number;
  /** Concurrent writers of the loaded round, and the commands measured in it (all writers together). */
  writers: number;
  loadedCommands: number;
  /** Bare kafkajs produce→consume round trips: one at a time, then `writers` at once. */
  raw: Percentiles;
  rawLoaded: Percentiles;
  /** Command → visible on the gateway: one writer, then `writers` at once. */
  pipeline: Percentiles;
  loaded: Percentiles;
  /** Of those, the POST's answer alone (the command appended by the needs service): one writer, then `writers` at once. */
  answered: Percentiles;
  answeredLoaded: Percentiles;
  /** Reads the gateway answered `X-Consistency: stale` (waited its limit without the read models reaching the position). */
  stale: number;
  /** One-minute load average at the start, after the quiet rounds and after the loaded rounds. */
  loadAverage: { start: number; quiet: number; loaded: number };
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

interface Service {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function startService(app: string, env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [join(__dirname, '..', 'apps', app, 'src', 'main.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output = (output + d).slice(-10_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-10_000)));
  const service = { child, url: `http://127.0.0.1:${port}`, output: () => output };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited:\n${output}`);
    if ((await fetch(`${service.url}/health`).then((r) => r.status, () => 0)) === 200) return service;
    if (Date.now() > deadline) throw new Error(`${app} not healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Baseline: kafkajs producer (idempotent, acks=-1, as the relay) → kafkajs consumer group on the
 * same broker, from `send` until the consumer holds the message; `concurrency` senders at once, each
 * sending its next message once its previous one arrived.
 */
async function rawRoundTrips(brokers: string[], samples: number, run: string, concurrency = 1): Promise<number[]> {
  const kafka = new Kafka({ clientId: `bench-rt-${run}`, brokers, logLevel: logLevel.NOTHING });
  const topic = `bench-rt-${run}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `bench-rt-${run}`, heartbeatInterval: 1000 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const waiting = new Map<string, () => void>();
  let assigned!: () => void;
  const ready = new Promise<void>((r) => (assigned = r));
  consumer.on(consumer.events.GROUP_JOIN, () => assigned());
  await consumer.run({ eachMessage: async ({ message }) => waiting.get(message.key!.toString())?.() });
  await ready;
  const event = { id: '', type: 'NeedPublished', schemaVersion: 1, data: { needId: 'x' }, metadata: {}, streamName: 'need-x', revision: 1, position: 1 } as Parameters<typeof toBusMessage>[0];
  const times: number[] = [];
  let next = 0;
  const sender = async () => {
    for (let i = next++; i < samples; i = next++) {
      const key = `need-${run}-${i}`;
      const arrived = new Promise<void>((r) => waiting.set(key, r));
      const t0 = process.hrtime.bigint();
      await producer.send({ topic, acks: -1, messages: [{ ...toBusMessage({ ...event, id: randomUUID(), streamName: key }), key }] });
      await arrived;
      times.push(elapsedMs(t0));
      waiting.delete(key);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  await consumer.disconnect();
  await producer.disconnect();
  return times;
}

/**
 * Command-to-read-model latency of the distributed topology: `POST /api/needs` to the gateway
 * (forwarded to the needs service, appended to the PostgreSQL event store) until `GET
 * /api/needs/:id` on the gateway finds it in the PostgreSQL read model — through relay → Kafka →
 * projector. The services run as separate processes, as deployed. First one writer (quiet), then
 * `writers` concurrent writers (loaded). The baseline, measured in the same run on the same broker,
 * is a bare kafkajs produce→consume round trip, one at a time and `writers` at once.
 */
export async function kafkaLatencyBench(
  commands = 300,
  writers = 20,
  loadedCommands = 400,
  brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
  pgUrl = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
): Promise<KafkaLatencyBenchResult> {
  const run = randomUUID().slice(0, 8);
  const warmup = 20;
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  const databases = ['events', 'read', 'needs'].map((d) => `bench_${d}_${run}`);
  const urlOf = (db: string) => Object.assign(new URL(pgUrl), { pathname: `/${db}` }).toString();
  const services: Service[] = [];
  try {
    for (const db of databases) await admin.query(`CREATE DATABASE ${db}`);
    const [events, read, needs] = databases.map(urlOf);
    const keys = tokenKeys(mkdtempSync(join(tmpdir(), 'bench-keys-')));
    const users = await provisionDistributed(events, keys.tokens, [{ username: 'bench-coordinator', grant: { role: 'coordinator', scope: '441826105' } }]);
    const common = { EVENT_STORE_URL: events, KAFKA_BROKERS: brokers.join(','), TOPIC_PREFIX: `bench-${run}.`, RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000', ...keys.issuerEnv };
    const needsService = await startService('needs-service', { ...common, DATABASE_URL: needs });
    services.push(needsService);
    services.push(await startService('projector', { ...common, READ_DATABASE_URL: read }));
    services.push(await startService('relay', { ...common, DATABASE_URL: events }));
    const gateway = await startService('gateway', { ...common, READ_DATABASE_URL: read, NEEDS_SERVICE_URL: needsService.url });
    services.push(gateway);
    await waitUntilAuthorized(gateway.url, users);

    const loadAverage = { start: loadavg()[0], quiet: 0, loaded: 0 };
    const raw = await rawRoundTrips(brokers, commands + warmup, `${run}-q`);

    const body = JSON.stringify({ villageCode: '441826105201', title: '冬季棉被', category: 'care', publish: true, lineItems: [{ kind: 'goods', description: '棉被', unit: '床', quantity: 10 }] });
    const headers = { 'content-type': 'application/json', ...users['bench-coordinator'] };
    let stale = 0;
    // One command, as the console does it: POST, then GET with the answered position in
    // X-Min-Position (the gateway waits until the read models applied it), again until it is there.
    const answers: number[] = [];
    const command = async (): Promise<number> => {
      const t0 = process.hrtime.bigint();
      const res = await fetch(`${gateway.url}/api/needs`, { method: 'POST', body, headers });
      if (res.status !== 201) throw new Error(`POST /api/needs answered ${res.status}: ${await res.text()}`);
      const { needId, position } = (await res.json()) as { needId: string; position: number };
      answers.push(elapsedMs(t0));
      for (;;) {
        const view = await fetch(`${gateway.url}/api/needs/${needId}`, { headers: { ...headers, 'X-Min-Position': String(position) } });
        if (view.headers.get('x-consistency') === 'stale') stale += 1;
        if (view.status === 200 && ((await view.json()) as { status: string }).status === 'published') break;
        if (view.status !== 200) await view.body?.cancel();
        if (elapsedMs(t0) > 60_000) throw new Error(`need ${needId} not visible in the read model after 60 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
      return elapsedMs(t0);
    };
    const samples: number[] = [];
    for (let i = 0; i < commands + warmup; i++) samples.push(await command());
    loadAverage.quiet = loadavg()[0];
    const answered = percentiles(answers.slice(warmup));
    answers.length = 0;

    // Under load: `writers` writers at once (each its next command once the last one is visible).
    const rawLoaded = await rawRoundTrips(brokers, loadedCommands, `${run}-l`, writers);
    const loaded: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = next++; i < loadedCommands; i = next++) loaded.push(await command());
      }),
    );
    loadAverage.loaded = loadavg()[0];
    return {
      commands,
      writers,
      loadedCommands,
      raw: percentiles(raw.slice(warmup)),
      rawLoaded: percentiles(rawLoaded),
      pipeline: percentiles(samples.slice(warmup)),
      loaded: percentiles(loaded),
      answered,
      answeredLoaded: percentiles(answers),
      stale,
      loadAverage,
    };
  } finally {
    await Promise.all(
      services.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.child.exitCode !== null) return resolve();
            s.child.once('exit', () => resolve());
            s.child.kill('SIGTERM');
          }),
      ),
    );
    for (const db of databases) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}
