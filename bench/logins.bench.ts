import { DEFAULT_RATE_LIMITS, hashPassword, IdentityService, ONE_TIME_PASSWORD_HASH_OPTIONS, PASSWORD_HASH_OPTIONS, SessionService, UserImportService } from '@shecun/identity';
import { ProjectionHost } from '@shecun/projections';
import { hash, verify } from 'argon2';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../apps/standalone/src/bootstrap';
import { Percentiles, percentiles } from './support/stats';

export interface LoginsBenchResult {
  cores: number;
  /** Raw argon2id with the platform's parameters, as many at once as the hashing pool runs. */
  rawHashesPerSecond: number;
  rawVerifiesPerSecond: number;
  /** One at a time (as users created one after another hash). */
  rawSequentialHashesPerSecond: number;
  /** One-time passwords' argon2id (4 MiB, 1 pass), as many at once as the pool runs. */
  rawOneTimeHashesPerSecond: number;
  /** GET /api/auth/me, `concurrent` at once: the bare authenticated route. */
  me: Percentiles;
  logins: Percentiles & { concurrent: number; errors: number; statuses: Record<string, number> };
  /** What `concurrent` verifications alone take at the raw rate (ms): the floor under the logins' p99. */
  loginFloorMs: number;
  createUsers: { users: number; seconds: number; errors: number; floorSeconds: number };
  importUsers: { rows: number; seconds: number; created: number; rejected: number; floorSeconds: number; fullCostSeconds: number };
  loadAverage: { start: number; logins: number; create: number; import: number };
}

/** `work` run `total` times, `width` at once; calls per second. */
async function rate(total: number, width: number, work: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: width }, async () => {
    while (next++ < total) await work();
  }));
  return total / ((performance.now() - started) / 1000);
}

const timed = async (work: () => Promise<Response>) => {
  const started = performance.now();
  const res = await work();
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
};

/**
 * Sign-in and onboarding on the embedded app with the default rate limits, over HTTP on
 * 127.0.0.1 (one address, as a training room behind one NAT): the raw argon2 rate and a bare
 * authenticated route as baselines of the same run.
 */
export async function loginsBench(concurrent = 100, createCount = 100, importRows = 1000): Promise<LoginsBenchResult> {
  const cores = availableParallelism();
  const load = () => loadavg()[0];
  const loadAverage = { start: load(), logins: 0, create: 0, import: 0 };

  const sample = await hash('bench password 2026', PASSWORD_HASH_OPTIONS);
  const rawHashesPerSecond = await rate(40, cores, () => hash('bench password 2026', PASSWORD_HASH_OPTIONS));
  const rawVerifiesPerSecond = await rate(100, cores, () => verify(sample, 'bench password 2026'));
  const rawSequentialHashesPerSecond = await rate(20, 1, () => hash('bench password 2026', PASSWORD_HASH_OPTIONS));
  const rawOneTimeHashesPerSecond = await rate(400, cores, () => hash('Zm9vYmFyYmF6cXV4', ONE_TIME_PASSWORD_HASH_OPTIONS));

  const dataDir = mkdtempSync(join(tmpdir(), 'bench-logins-'));
  const app = await createApp({ port: 0, host: '127.0.0.1', dataDir, seedDemo: false, autostartProjections: true, rateLimits: DEFAULT_RATE_LIMITS, requestTimeoutMs: 30_000 }, false);
  try {
    await app.listen(0, '127.0.0.1');
    const host = app.get(ProjectionHost);
    await host.startAll();
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const identity = app.get(IdentityService);
    const password = 'training room 2026';
    const passwordHash = await hashPassword(password);
    const names = Array.from({ length: concurrent }, (_, i) => `bench-room-${i}`);
    let last = 0;
    for (const username of names) {
      const account = await identity.provision({ username, displayName: username, passwordHash, grant: { role: 'coordinator', scope: '441826105' } }, `bench/logins/${username}`);
      last = Math.max(last, account.position ?? 0);
    }
    const admin = await identity.provision({ username: 'bench-admin', displayName: 'bench', passwordHash: 'no-password', grant: { role: 'admin' } }, 'bench/logins/admin');
    await host.waitFor(Math.max(last, admin.position ?? 0), 30_000);
    const { accessToken } = await app.get(SessionService).startForGrant(admin.userId, admin.grantId);
    const auth = { authorization: `Bearer ${accessToken}` };

    // Baseline: the bare authenticated route, as many at once.
    await fetch(`${base}/api/auth/me`, { headers: auth });
    const me = percentiles((await Promise.all(names.map(() => timed(() => fetch(`${base}/api/auth/me`, { headers: auth }))))).map((s) => s.ms));

    const logins = await Promise.all(
      names.map((username) =>
        timed(() => fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })),
      ),
    );
    loadAverage.logins = load();
    const statuses: Record<string, number> = {};
    for (const l of logins) statuses[l.status] = (statuses[l.status] ?? 0) + 1;

    // 100 users with a password and a grant, one after another as a bureau's console makes them.
    let createErrors = 0;
    const createStarted = performance.now();
    for (let i = 0; i < createCount; i++) {
      const res = await fetch(`${base}/api/users`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ username: `bench-new-${i}`, displayName: `新用户${i}`, password: 'a first password 1', grant: { role: 'coordinator', scope: '441826105' } }),
      });
      await res.arrayBuffer();
      if (res.status !== 201) createErrors += 1;
    }
    const createSeconds = (performance.now() - createStarted) / 1000;
    loadAverage.create = load();

    // 1,000 coordinators from a CSV, through the import service the API and the CLI share.
    const villages = ['441826105001', '441826105002', '441826105003', '441826105004'];
    const csv = ['用户名,姓名,手机号,角色,范围', ...Array.from({ length: importRows }, (_, i) => `bench-coord-${i},协调员${i},138${String(i).padStart(8, '0')},协调员,${villages[i % villages.length]}`)].join('\n');
    const importStarted = performance.now();
    const report = await app.get(UserImportService).import(Buffer.from(csv), { actor: { id: admin.userId, role: 'admin' }, correlationId: 'bench-import' });
    const importSeconds = (performance.now() - importStarted) / 1000;
    loadAverage.import = load();

    return {
      cores,
      rawHashesPerSecond,
      rawVerifiesPerSecond,
      rawSequentialHashesPerSecond,
      rawOneTimeHashesPerSecond,
      me,
      logins: { ...percentiles(logins.map((l) => l.ms)), concurrent, errors: logins.filter((l) => l.status !== 200).length, statuses },
      loginFloorMs: (concurrent / rawVerifiesPerSecond) * 1000,
      createUsers: { users: createCount, seconds: createSeconds, errors: createErrors, floorSeconds: createCount / rawSequentialHashesPerSecond },
      importUsers: { rows: importRows, seconds: importSeconds, created: report.created, rejected: report.rejected, floorSeconds: importRows / rawOneTimeHashesPerSecond, fullCostSeconds: importRows / rawHashesPerSecond },
      loadAverage,
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
