import Database from 'better-sqlite3';
import { IdentityService, SessionService } from '@shecun/identity';
import { MonitoringQueries } from '@shecun/monitoring';
import { ProjectionHost } from '@shecun/projections';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../apps/standalone/src/bootstrap';
import { Percentiles, percentiles, timed } from './support/stats';
import { writeSyntheticNeedLog } from './support/synthetic-log';

export interface DashboardBenchResult {
  needs: number;
  events: number;
  villages: number;
  projectSeconds: number;
  loadAverage: number;
  /** better-sqlite3: one GROUP BY of the monitoring table by city (counts only). */
  raw: Percentiles;
  /** GET /api/dashboard/figures for the province by city over HTTP, each of the request shapes in turn, one row of the table changed before each (counted again). */
  figures: Percentiles;
  /** The same request again, the table unchanged (the figures kept since the last change). */
  unchanged: Percentiles;
  /** MonitoringQueries.figures in process (no HTTP, no JSON), one row changed before each. */
  inProcess: Percentiles;
  /** Size of the largest answer (bytes of JSON). */
  largestAnswerBytes: number;
  /** GET /api/auth/me (authenticated baseline). */
  httpBaseline: Percentiles;
  /** Max resident set size of the process (the embedded app and the bench), MB: the peak of the whole run, writing the log and building the read model included. */
  maxRssMb: number;
  /** The largest resident set size sampled while the figures were being asked for (after each round of requests), MB. */
  servingRssMb: number;
  /** The V8 heap in use at the same samples (the largest), MB: how much of that RSS the JavaScript objects are. */
  servingHeapMb: number;
}

/** The request shapes a bureau asks for the province by city. */
const SHAPES = [
  'region=44&level=city&period=month',
  'region=44&level=city&period=quarter',
  'region=44&level=city&period=week',
  'region=44&level=city&period=month&from=2025-01-01&to=2025-06-30',
  'region=44&level=city&period=quarter&category=education',
  'region=44&level=city&period=quarter&byCategory=true',
];

/**
 * The bureau's dashboard figures for the whole province by city, on `needs` needs (their histories
 * decided by the needs decider across every village, see synthetic-log.ts) in the embedded app's
 * data folder. The monitoring read model is built by its projection; then, interleaved so that
 * each sees the same load: the raw baseline (one SQL GROUP BY of the same table by city, counts
 * only, straight from better-sqlite3); one row of the table changed (as the projection would) and
 * the figures asked for over HTTP with an admin's bearer token — counted again — then the same
 * request again on the unchanged table; a row changed and the figures asked for in process; and
 * an authenticated route that reads nothing (GET /api/auth/me).
 */
export async function dashboardBench(needs = 200_000, queries = 300): Promise<DashboardBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-dashboard-'));
  try {
    const log = await writeSyntheticNeedLog(join(dataDir, 'events.sqlite'), needs);
    const unlimited = { perIpPerMinute: 1e9, perUserPerMinute: 1e9, loginsPerMinute: 1e9 };
    const app = await createApp({ port: 0, host: '127.0.0.1', dataDir, seedDemo: false, autostartProjections: false, rateLimits: unlimited, requestTimeoutMs: 15_000 }, false);
    try {
      await app.listen(0, '127.0.0.1');
      const host = app.get(ProjectionHost);
      const t0 = process.hrtime.bigint();
      await host.runner('monitoring').catchUp();
      const projectSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const account = await app.get(IdentityService).provision({ username: 'bench-admin', displayName: 'bench', passwordHash: 'no-password', grant: { role: 'admin' } }, 'bench/dashboard-admin');
      await host.runner('identity').catchUp();
      const { accessToken } = await app.get(SessionService).startForGrant(account.userId, account.grantId);
      const headers = { authorization: `Bearer ${accessToken}` };
      const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      let largestAnswerBytes = 0;
      const get = async (path: string) => {
        const res = await fetch(`${base}${path}`, { headers });
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        const text = await res.text();
        largestAnswerBytes = Math.max(largestAnswerBytes, Buffer.byteLength(text));
        return JSON.parse(text);
      };
      const monitoring = app.get(MonitoringQueries);
      const admin = { id: 'bench-admin', role: 'admin' as const };
      const requestOf = (shape: string) => {
        const q = new URLSearchParams(shape);
        return { region: q.get('region')!, level: q.get('level') as 'city', period: q.get('period') as 'month', from: q.get('from') ?? undefined, to: q.get('to') ?? undefined, category: q.get('category') ?? undefined, byCategory: q.get('byCategory') === 'true' };
      };
      const first = (await get(`/api/dashboard/figures?${SHAPES[0]}`)) as { rows: { region: { code: string } }[]; total: { published: number } };
      if (new Set(first.rows.map((r) => r.region.code)).size !== 21) throw new Error(`expected the 21 cities of Guangdong, got ${new Set(first.rows.map((r) => r.region.code)).size}`);

      const db = new Database(join(dataDir, 'read.sqlite'), { readonly: true });
      const byCity = db.prepare(
        'SELECT substr(villageCode, 1, 4) AS city, COUNT(*) AS published, COUNT(firstAcceptedAt) AS matched, COUNT(fulfilledAt) AS fulfilled FROM monitoring_needs WHERE publishedDate IS NOT NULL GROUP BY city',
      );
      const rawTotal = (byCity.all() as { published: number }[]).reduce((sum, row) => sum + row.published, 0);
      if (rawTotal !== first.total.published) throw new Error(`raw count ${rawTotal} differs from the dashboard's ${first.total.published}`);
      for (const shape of SHAPES) await get(`/api/dashboard/figures?${shape}`); // warm up
      const raw: number[] = [];
      const figures: number[] = [];
      const unchanged: number[] = [];
      const inProcess: number[] = [];
      // A change to the table between requests, as the projection makes them: one row's position moves up.
      const writer = new Database(join(dataDir, 'read.sqlite'));
      let position = Number((writer.prepare('SELECT MAX(position) AS p FROM monitoring_needs').get() as { p: number }).p);
      const touch = writer.prepare('UPDATE monitoring_needs SET position = ? WHERE needId = (SELECT needId FROM monitoring_needs ORDER BY position LIMIT 1)');
      const change = () => touch.run(++position);
      const httpBaseline: number[] = [];
      let servingRss = process.memoryUsage.rss();
      let servingHeap = process.memoryUsage().heapUsed;
      for (let i = 0; i < queries; i++) {
        raw.push(await timed(() => byCity.all()));
        const shape = SHAPES[i % SHAPES.length];
        change();
        figures.push(await timed(() => get(`/api/dashboard/figures?${shape}`)));
        unchanged.push(await timed(() => get(`/api/dashboard/figures?${shape}`)));
        change();
        inProcess.push(await timed(() => monitoring.figures(admin, requestOf(shape))));
        httpBaseline.push(await timed(() => get('/api/auth/me')));
        servingRss = Math.max(servingRss, process.memoryUsage.rss());
        servingHeap = Math.max(servingHeap, process.memoryUsage().heapUsed);
      }
      db.close();
      writer.close();
      return {
        needs, events: log.events, villages: log.villages, projectSeconds, loadAverage: loadavg()[0],
        raw: percentiles(raw), figures: percentiles(figures), unchanged: percentiles(unchanged), inProcess: percentiles(inProcess), largestAnswerBytes, httpBaseline: percentiles(httpBaseline), maxRssMb: process.resourceUsage().maxRSS / 1024, servingRssMb: servingRss / 1024 / 1024, servingHeapMb: servingHeap / 1024 / 1024,
      };
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
