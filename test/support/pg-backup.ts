import { DISTRIBUTED_READ_MODEL_ENTITIES } from '@shecun/hosting';
import { EventStore, START } from '@shecun/event-store';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ROOT } from './child-app';
import { urlFor } from './pg';
import { ServiceProcess, startService, waitForHealth } from './processes';
import { readModelChecksums } from './read-model-checksum';

const BASE_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs a command without blocking the event loop (the test keeps writing meanwhile). */
export function run(command: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export const script = (name: string) => join(ROOT, 'scripts', name);

/** `verify-ledger.js` of the donations service on an event store; its report. */
export async function verifyLedger(eventStoreUrl: string): Promise<{ ok: boolean; eventsChecked: number; streamsChecked: number; head: string }> {
  const result = await run(process.execPath, [join(ROOT, 'dist', 'apps', 'donations-service', 'src', 'verify-ledger.js')], { EVENT_STORE_URL: eventStoreUrl });
  if (result.status !== 0) throw new Error(`verify-ledger exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Copies a log into another store, event for event, in log order (each stream's events keep their revisions); only the streams `keep` accepts. */
export async function copyLog(from: EventStore, to: EventStore, keep: (streamName: string) => boolean = () => true): Promise<number> {
  let copied = 0;
  for (let after = START; ; ) {
    const batch = await from.readAll(after, 1000);
    if (batch.length === 0) return copied;
    for (let i = 0; i < batch.length; ) {
      let j = i + 1;
      while (j < batch.length && batch[j].streamName === batch[i].streamName) j += 1;
      const run = batch.slice(i, j);
      i = j;
      if (!keep(run[0].streamName)) continue;
      const expected = run[0].revision === 0 ? 'no-stream' : run[0].revision - 1;
      await to.append(
        run[0].streamName,
        run.map((e) => ({ id: e.id, type: e.type, schemaVersion: e.stored?.schemaVersion ?? e.schemaVersion, data: e.stored?.data ?? e.data, metadata: e.metadata })),
        expected,
      );
      copied += run.length;
    }
    after = batch[batch.length - 1].position;
  }
}

/** SQL on a database; its rows. */
export async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Creates an empty database of this name (one this test made and dropped). */
export async function createNamedDatabase(name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  await query(BASE_URL, `CREATE DATABASE ${name}`);
  return urlFor(name);
}

/** The relay and the projector of one topic prefix, on processes. */
export class Pipeline {
  relay!: ServiceProcess;
  projector!: ServiceProcess;

  constructor(private readonly env: { eventStoreUrl: string; relayUrl: string; readUrl: string; prefix: string; brokers: string }) {}

  async start(): Promise<void> {
    const common = { KAFKA_BROKERS: this.env.brokers, TOPIC_PREFIX: this.env.prefix, KAFKA_SESSION_TIMEOUT_MS: '6000' };
    this.projector = await startService('projector', { ...common, READ_DATABASE_URL: this.env.readUrl });
    await waitForHealth(this.projector, 90_000);
    this.relay = await startService('relay', { ...common, EVENT_STORE_URL: this.env.eventStoreUrl, DATABASE_URL: this.env.relayUrl });
    await waitForHealth(this.relay, 90_000);
  }

  async stop(): Promise<void> {
    await Promise.all([this.relay?.stop(), this.projector?.stop()]);
  }

  /**
   * Until the relay has published up to `head` and every consumer group of the projector has
   * committed everything (kafka_consumer_group_lag 0 on every partition): the read models hold the log.
   */
  async waitCaughtUp(head: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const relay = await fetch(`${this.relay.url}/metrics`).then((r) => r.text(), () => '');
      const checkpoint = Number(/^shecun_relay_checkpoint_position (\S+)$/m.exec(relay)?.[1] ?? -1);
      const projector = await fetch(`${this.projector.url}/metrics`).then((r) => r.text(), () => '');
      const lags = [...projector.matchAll(/^kafka_consumer_group_lag\{group="([^"]+)"[^}]*\} (\S+)$/gm)].filter((m) => m[1].startsWith(this.env.prefix));
      last = `relay at ${checkpoint} of ${head}; lag ${lags.map((m) => `${m[1]}=${m[2]}`).join(' ')}`;
      if (checkpoint === head && lags.length > 0 && lags.every((m) => Number(m[2]) === 0)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`not caught up in ${timeoutMs} ms: ${last}\n${this.relay.output().slice(-3000)}\n${this.projector.output().slice(-3000)}`);
  }
}

/**
 * Checksums of the projector's read models, without its bookkeeping (which events it saw, when)
 * and the matching rows' change stamps (numbered in commit order, which two runs need not share).
 * An organization's open commitments are a set kept in the order the commitments arrived, which
 * across the needs topic's partitions differs from run to run: compared as a sorted list.
 */
export async function projectedChecksums(readUrl: string): Promise<Record<string, string>> {
  const ds = await new DataSource({ type: 'postgres', url: readUrl, entities: DISTRIBUTED_READ_MODEL_ENTITIES }).initialize();
  try {
    const sums = await readModelChecksums(ds, {
      skipTables: ['processed_events', 'parked_events', 'matching_changes'],
      skipColumns: { matching_organizations: ['position', 'open'], matching_needs: ['position'], matching_pairings: ['position'], matching_teams: ['position'] },
    });
    const open: { id: string; open: string }[] = await ds.query('SELECT id, open FROM matching_organizations ORDER BY id');
    const sorted = open.map((row) => `${row.id}:${JSON.stringify((JSON.parse(row.open) as unknown[]).map((c) => JSON.stringify(c)).sort())}`);
    sums['matching_organizations.open (sorted)'] = createHash('sha256').update(sorted.join('\n')).digest('hex');
    return sums;
  } finally {
    await ds.destroy();
  }
}
