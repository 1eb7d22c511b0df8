import { RecordedEvent } from '@shecun/event-store';
import { IdentityService, SessionService } from '@shecun/identity';
import { MatchingProjection, MatchingService } from '@shecun/matching';
import { prng } from '@shecun/needs';
import { CATEGORIES } from '@shecun/categories';
import { ProjectionHost, ProjectionRunner } from '@shecun/projections';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createApp } from '../apps/standalone/src/bootstrap';
import { READ_MODEL_ENTITIES } from '../apps/standalone/src/infrastructure.module';
import { locateRegionsData } from '@shecun/regions';
import { Percentiles, percentiles, timed } from './support/stats';

export interface MatchingBenchResult {
  organizations: number;
  needs: number;
  events: number;
  projectionPerSecond: number;
  raw: Percentiles;
  inProcess: Percentiles;
  http: Percentiles;
  httpBaseline: Percentiles;
  recommended: Percentiles;
}

/**
 * The events of a Guangdong-scale data set as the matching projection consumes them: 72,019
 * organizations registered in every city, county and town (1–3 service fields, 5% hubs or
 * industry associations, 2% abnormal or deregistered), 5,000 active pairings with villages, 1,000
 * teams with members, and open needs across all villages published over the last 120 days, a
 * third with a commitment (offered, accepted, or delivered and confirmed).
 */
function* generate(organizations: number, needs: number, now: number): Generator<RecordedEvent> {
  const rnd = prng(20260501);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const regions = JSON.parse(readFileSync(locateRegionsData(), 'utf8')) as { cities: [string, string][]; counties: [string, string][]; towns: [string, string][]; villages: [string, string][] };
  const villages = regions.villages.map(([c]) => c);
  let position = 0;
  const at = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString();
  const event = (type: string, streamName: string, revision: number, data: object, occurredAt = at(0)): RecordedEvent => ({
    id: `bench-${position + 1}`, type, schemaVersion: 1, data, streamName, revision, position: ++position,
    metadata: { actorId: 'bench', actorRole: 'system', correlationId: 'bench', causationId: 'bench', occurredAt },
  });
  const orgIds: string[] = [];
  const hubs: string[] = [];
  const revision = new Map<string, number>();
  const next = (stream: string) => {
    const r = (revision.get(stream) ?? -1) + 1;
    revision.set(stream, r);
    return r;
  };
  for (let i = 0; i < organizations; i++) {
    const id = `org-${i}`;
    const level = rnd();
    const home = level < 0.35 ? pick(regions.cities)[0] : level < 0.8 ? pick(regions.counties)[0] : pick(regions.towns)[0];
    const categories = [...new Set([pick(CATEGORIES), ...(rnd() < 0.6 ? [pick(CATEGORIES)] : []), ...(rnd() < 0.3 ? [pick(CATEGORIES)] : [])])];
    const hubKind = rnd() < 0.05 ? (rnd() < 0.6 ? 'hub' : 'industry_association') : null;
    orgIds.push(id);
    if (hubKind) hubs.push(id);
    yield event('OrganizationRegistered', `org-${id}`, next(`org-${id}`), { organizationId: id, name: `社会组织 ${i}`, homeDivisionCode: home, hubKind, categories, creditCode: '', type: 'social_group', contact: {}, memberUnits: [], description: '', registeredAt: at(400) });
    const standing = rnd();
    if (standing < 0.015) yield event('OrganizationListedAbnormal', `org-${id}`, next(`org-${id}`), { organizationId: id, reason: '未报送年报', listedAt: at(30) });
    else if (standing < 0.02) yield event('OrganizationDeregistered', `org-${id}`, next(`org-${id}`), { organizationId: id, reason: '注销', deregisteredAt: at(30) });
  }
  for (let i = 0; i < 5000; i++) {
    const organizationId = pick(orgIds);
    const targetCode = pick(villages);
    const pairingId = `${organizationId}:${targetCode}`;
    if (revision.has(`pairing-${pairingId}`)) continue;
    yield event('PairingProposed', `pairing-${pairingId}`, next(`pairing-${pairingId}`), { pairingId, term: 1, organizationId, organizationName: '', targetCode, targetLevel: 'village', startDate: '2026-01-01', endDate: '2028-12-31', categories: ['education'], note: '', proposedAt: at(100) });
    yield event('PairingConfirmed', `pairing-${pairingId}`, next(`pairing-${pairingId}`), { pairingId, term: 1, confirmedAt: at(99) });
  }
  for (let i = 0; i < 1000; i++) {
    const teamId = `team-${i}`;
    const lead = pick(hubs);
    yield event('TeamFormed', `team-${teamId}`, next(`team-${teamId}`), { teamId, leadOrganizationId: lead, leadOrganizationName: '', leadHubKind: 'hub', leadShare: 10, targetCode: pick(regions.counties)[0], title: '组团', description: '', categories: [pick(CATEGORIES), pick(CATEGORIES)], targetNeedIds: [], formedAt: at(60) });
    for (let m = 0; m < 2; m++) yield event('TeamInvitationAccepted', `team-${teamId}`, next(`team-${teamId}`), { teamId, organizationId: pick(orgIds), organizationName: '', role: 'implementing', share: 10, acceptedAt: at(50) });
  }
  for (let i = 0; i < needs; i++) {
    const needId = `need-${i}`;
    const stream = `need-${needId}`;
    const daysAgo = rnd() * 120;
    const villageCode = pick(villages);
    yield event('NeedDrafted', stream, next(stream), {
      needId, villageCode, draftedAt: at(daysAgo), title: `需求 ${i}`, description: '', category: pick(CATEGORIES), dueDate: null, autoAccept: false,
      lineItems: [{ id: 'L1', kind: 'goods', description: '物资', unit: '件', quantity: 100 }, { id: 'L2', kind: 'funds', description: '资金', unit: '分', quantity: 1_000_000 }],
    }, at(daysAgo));
    yield event('NeedPublished', stream, next(stream), { needId, publishedAt: at(daysAgo) }, at(daysAgo));
    const fate = rnd();
    if (fate < 0.33) {
      const organizationId = pick(orgIds);
      const promisedBy = at(daysAgo - 30).slice(0, 10);
      yield event('CommitmentOffered', stream, next(stream), { needId, commitmentId: 'c1', organizationId, organizationName: '', items: [{ lineItemId: 'L1', quantity: 40 }], promisedBy, note: '', offeredAt: at(daysAgo) });
      if (fate < 0.25) yield event('CommitmentAccepted', stream, next(stream), { needId, commitmentId: 'c1', automatic: false, acceptedAt: at(daysAgo) });
      if (fate < 0.15) {
        yield event('DeliveryRecorded', stream, next(stream), { needId, commitmentId: 'c1', deliveryId: 'd1', items: [{ lineItemId: 'L1', quantity: 40 }], evidence: [], note: '', recordedAt: at(Math.max(0, daysAgo - 10)) });
        yield event('DeliveryConfirmed', stream, next(stream), { needId, commitmentId: 'c1', deliveryId: 'd1', note: '', confirmedAt: at(Math.max(0, daysAgo - 11)) });
      }
    }
  }
}

/**
 * Candidate ranking at full scale: the matching read model of 72,019 organizations is built by
 * the matching projection (through a projection runner, in batches of 1,000) into the read-model
 * file of an embedded app; then candidates for random open needs are asked for in process and
 * over HTTP (an admin's bearer token). The raw baseline, in the same run on the same file, is
 * better-sqlite3 scanning the organizations table once for a need's top 20 by a single SQL
 * filter and sort — what any answer must at least beat to look at every organization.
 */
export async function matchingBench(organizations = 72_019, needs = 20_000, queries = 1000): Promise<MatchingBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-matching-'));
  const now = Date.now();
  try {
    // 1. Build the read model through the projection.
    const dataSource = new DataSource({
      type: 'better-sqlite3', database: join(dataDir, 'read.sqlite'), entities: READ_MODEL_ENTITIES, synchronize: true,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => { db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL'); },
    });
    await dataSource.initialize();
    const runner = new ProjectionRunner(undefined as never, dataSource, new MatchingProjection());
    let events = 0;
    let batch: RecordedEvent[] = [];
    const t0 = process.hrtime.bigint();
    for (const e of generate(organizations, needs, now)) {
      batch.push(e);
      if (batch.length === 1000) {
        await runner.processBatch(batch);
        events += batch.length;
        batch = [];
      }
    }
    if (batch.length) await runner.processBatch(batch);
    events += batch.length;
    const projectionPerSecond = events / (Number(process.hrtime.bigint() - t0) / 1e9);
    await dataSource.destroy();

    // 2. Raw baseline: one SQL scan of the organizations table per query.
    const db = new Database(join(dataDir, 'read.sqlite'), { readonly: true });
    const openNeeds = db.prepare('SELECT id, category FROM matching_needs WHERE open = 1').all() as { id: string; category: string }[];
    const rnd = prng(7);
    const sample = Array.from({ length: queries }, () => openNeeds[Math.floor(rnd() * openNeeds.length)]);
    const scan = db.prepare("SELECT id, name, homeDivisionCode FROM matching_organizations WHERE standing = 'normal' AND (categories & ?) != 0 ORDER BY deliveredOnTime DESC, id LIMIT 20");
    const scanFor = (category: string) => scan.all(1 << CATEGORIES.indexOf(category as never));

    // 3. The embedded app on that read model (projections not started: the read model stays as built).
    const unlimited = { perIpPerMinute: 1e9, perUserPerMinute: 1e9, loginsPerMinute: 1e9 };
    const app = await createApp({ port: 0, host: '127.0.0.1', dataDir, seedDemo: false, autostartProjections: false, rateLimits: unlimited, requestTimeoutMs: 15_000 }, false);
    try {
      await app.listen(0, '127.0.0.1');
      const account = await app.get(IdentityService).provision({ username: 'bench-admin', displayName: 'bench', passwordHash: 'no-password', grant: { role: 'admin' } }, 'bench/matching-admin');
      await app.get(ProjectionHost).runner('identity').catchUp();
      const { accessToken } = await app.get(SessionService).startForGrant(account.userId, account.grantId);
      const headers = { authorization: `Bearer ${accessToken}` };
      const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const matching = app.get(MatchingService);
      const admin = { id: 'bench', role: 'admin' as const };

      const loadStarted = process.hrtime.bigint();
      await matching.current();
      console.log(`  (first answer loads the read model into memory: ${(Number(process.hrtime.bigint() - loadStarted) / 1e6).toFixed(0)} ms)`);
      const get = async (path: string) => {
        const res = await fetch(`${base}${path}`, { headers });
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      };
      for (const need of sample.slice(0, 100)) {
        scanFor(need.category);
        await matching.candidates(need.id, admin, 20);
        await get(`/api/needs/${need.id}/candidates`);
        await get('/api/auth/me');
      }
      // Interleaved, so that the four see the same load on the machine.
      const raw: number[] = [];
      const inProcess: number[] = [];
      const http: number[] = [];
      const httpBaseline: number[] = [];
      for (const need of sample) {
        raw.push(await timed(() => scanFor(need.category)));
        inProcess.push(await timed(() => matching.candidates(need.id, admin, 20)));
        http.push(await timed(() => get(`/api/needs/${need.id}/candidates`)));
        httpBaseline.push(await timed(() => get('/api/auth/me')));
      }
      const recommended: number[] = [];
      for (let i = 0; i < Math.min(300, queries); i++) {
        const orgId = `org-${Math.floor(rnd() * organizations)}`;
        recommended.push(await timed(() => matching.recommendedNeeds(orgId, admin, { limit: 20 })));
      }
      db.close();
      return {
        organizations, needs: openNeeds.length, events, projectionPerSecond,
        raw: percentiles(raw), inProcess: percentiles(inProcess), http: percentiles(http), httpBaseline: percentiles(httpBaseline), recommended: percentiles(recommended),
      };
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
