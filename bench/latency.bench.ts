import { IdentityService, SessionService } from '@shecun/identity';
import { ProjectionHost } from '@shecun/projections';
import { RegionsService } from '@shecun/regions';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../apps/standalone/src/bootstrap';

export interface LatencyBenchResult {
  commands: number;
  p50: number;
  p99: number;
  max: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * Command-to-read-model latency on the embedded app: from sending `POST /api/needs` over HTTP
 * until the needs projection has committed the command's last event.
 */
export async function latencyBench(commands = 500): Promise<LatencyBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-latency-'));
  const unlimited = { perIpPerMinute: 1e9, perUserPerMinute: 1e9, loginsPerMinute: 1e9 };
  const app = await createApp({ port: 0, host: '127.0.0.1', dataDir, seedDemo: false, autostartProjections: true, rateLimits: unlimited, requestTimeoutMs: 15_000 }, false);
  try {
    await app.listen(0, '127.0.0.1');
    const host = app.get(ProjectionHost);
    await host.startAll();
    const village = app.get(RegionsService).children('441826105')[0].code;
    const account = await app.get(IdentityService).provision(
      { username: 'bench-coordinator', displayName: 'bench', passwordHash: 'no-password', grant: { role: 'coordinator', scope: '441826105' } },
      'bench/coordinator',
    );
    await host.waitFor(account.position ?? 0, 10_000);
    const { accessToken } = await app.get(SessionService).startForGrant(account.userId, account.grantId);
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/needs`;
    const body = JSON.stringify({
      villageCode: village, title: '冬季棉被', category: 'care', publish: true,
      lineItems: [{ kind: 'goods', description: '棉被', unit: '床', quantity: 10 }],
    });
    const samples: number[] = [];
    for (let i = 0; i < commands; i++) {
      const t0 = process.hrtime.bigint();
      const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` } });
      const { position } = (await res.json()) as { position: number };
      if (res.status !== 201) throw new Error(`unexpected ${res.status}`);
      while (!host.status().projections.every((p) => p.checkpoint >= position)) await new Promise((r) => setImmediate(r));
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    samples.sort((a, b) => a - b);
    return { commands, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1] };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
