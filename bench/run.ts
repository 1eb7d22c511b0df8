import { appendBench } from './append.bench';
import { dashboardBench } from './dashboard.bench';
import { kafkaLatencyBench } from './kafka-latency.bench';
import { latencyBench } from './latency.bench';
import { loginsBench } from './logins.bench';
import { matchingBench } from './matching.bench';
import { monitoringRebuildBench } from './monitoring-rebuild.bench';
import { rebuildBench } from './rebuild.bench';
import { relayBench } from './relay.bench';
import { formatPercentiles, Percentiles } from './support/stats';
import { snapshotBench } from './snapshot.bench';
import { startBench } from './start.bench';

/** Benchmarks of the embedded topology; figures are ratios against a raw baseline of the same run. */
async function main(): Promise<void> {
  const which = process.argv.slice(2);
  const all = which.length === 0;
  if (all || which.includes('append')) {
    const r = await appendBench(Number(process.env.BENCH_EVENTS ?? 5000));
    console.log(`append: ${r.events} single-event appends`);
    console.log(`  raw better-sqlite3 durable transactions: ${r.rawPerSecond.toFixed(0)} /s`);
    console.log(`  SQLite event store append:               ${r.storePerSecond.toFixed(0)} /s`);
    console.log(`  ratio store/raw: ${r.ratio.toFixed(2)} (target ≥ 0.60) ${r.ratio >= 0.6 ? 'MET' : 'NOT MET'}`);
  }
  if (which.includes('relay')) {
    const r = await relayBench(Number(process.env.BENCH_RELAY_EVENTS ?? 50_000), undefined, Number(process.env.BENCH_RELAY_BATCH ?? 1000));
    console.log(`relay: ${r.events} events, SQLite event store → Kafka (acks=-1), batches of ${r.batchSize}`);
    console.log(`  raw kafkajs producer, same messages: ${r.rawPerSecond.toFixed(0)} /s`);
    console.log(`  relay incl. reads and checkpoints:   ${r.relayPerSecond.toFixed(0)} /s (ratio ${r.ratio.toFixed(2)}; target ≥ 20000 /s) ${r.relayPerSecond >= 20_000 ? 'MET' : 'NOT MET'}`);
  }
  if (all || which.includes('latency')) {
    const r = await latencyBench(Number(process.env.BENCH_COMMANDS ?? 500));
    console.log(`latency: ${r.commands} commands, HTTP POST → needs read model committed`);
    console.log(`  p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(2)} ms (target p99 ≤ 50 ms) ${r.p99 <= 50 ? 'MET' : 'NOT MET'}`);
  }
  if (which.includes('matching')) {
    const r = await matchingBench(Number(process.env.BENCH_ORGANIZATIONS ?? 72_019), Number(process.env.BENCH_MATCHING_NEEDS ?? 20_000), Number(process.env.BENCH_MATCHING_QUERIES ?? 1000));
    const fmt = (p: Percentiles) => formatPercentiles(p);
    console.log(`matching: ${r.organizations} organizations, ${r.needs} open needs in the read model (${r.events} events through the matching projection, ${r.projectionPerSecond.toFixed(0)} events/s)`);
    console.log(`  raw better-sqlite3 scan of the organizations table (top 20 by one filter and sort): ${fmt(r.raw)}`);
    console.log(`  candidates for a need, in process (six factors, reasons, top 20):                 ${fmt(r.inProcess)}`);
    console.log(`  GET /api/needs/{id}/candidates over HTTP:                                         ${fmt(r.http)}`);
    console.log(`  GET /api/auth/me over HTTP (authenticated baseline):                              ${fmt(r.httpBaseline)}`);
    console.log(`  recommended needs for an organization, in process:                                ${fmt(r.recommended)}`);
    console.log(`  ratio in-process/raw scan: p50 ${(r.inProcess.p50 / r.raw.p50).toFixed(2)}, p99 ${(r.inProcess.p99 / r.raw.p99).toFixed(2)}; HTTP p99 ${r.http.p99.toFixed(2)} ms (target ≤ 20 ms) ${r.http.p99 <= 20 ? 'MET' : 'NOT MET'}`);
  }
  if (which.includes('monitoring')) {
    const r = await monitoringRebuildBench(Number(process.env.BENCH_MONITORING_NEEDS ?? 200_000), Number(process.env.BENCH_MONITORING_ROUNDS ?? 3));
    console.log(`monitoring: rebuild of the monitoring projection, ${r.needs} needs over ${r.villages} villages, ${r.events} events (generated in ${r.generateSeconds.toFixed(1)} s; load average ${r.loadAverage.toFixed(2)})`);
    r.rounds.forEach((x, i) =>
      console.log(`  round ${i + 1}: raw SQLite read+parse ${x.rawPerSecond.toFixed(0)} /s, rebuild ${x.rebuildPerSecond.toFixed(0)} /s (${x.rebuildPerCpuSecond.toFixed(0)} /s of its CPU time), ratio ${x.ratio.toFixed(2)}`),
    );
    console.log(`  best: raw ${r.rawPerSecond.toFixed(0)} /s, rebuild ${r.rebuildPerSecond.toFixed(0)} /s, ratio ${r.ratio.toFixed(2)} (target ≥ 100000 /s) ${r.rebuildPerSecond >= 100_000 ? 'MET' : 'NOT MET'}`);
    console.log(`  read model: ${r.rows} needs, ${r.published} published, ${r.matched} matched, ${r.fulfilled} fulfilled`);
  }
  if (which.includes('dashboard')) {
    const r = await dashboardBench(Number(process.env.BENCH_DASHBOARD_NEEDS ?? 200_000), Number(process.env.BENCH_DASHBOARD_QUERIES ?? 300));
    console.log(`dashboard: figures for the province by city, ${r.needs} needs over ${r.villages} villages (${r.events} events, monitoring read model built in ${r.projectSeconds.toFixed(1)} s; load average ${r.loadAverage.toFixed(2)})`);
    console.log(`  raw better-sqlite3 GROUP BY city (counts only):    ${formatPercentiles(r.raw)}`);
    console.log(`  GET /api/dashboard/figures?region=44&level=city…, a row changed before each: ${formatPercentiles(r.figures)}`);
    console.log(`  the same request again, table unchanged:                                ${formatPercentiles(r.unchanged)}`);
    console.log(`  in process (no HTTP, no JSON), a row changed before each:               ${formatPercentiles(r.inProcess)}`);
    console.log(`  GET /api/auth/me (authenticated baseline):         ${formatPercentiles(r.httpBaseline)}; largest figures answer ${(r.largestAnswerBytes / 1024).toFixed(0)} KiB`);
    console.log(`  ratio to raw p99: changed ${(r.figures.p99 / r.raw.p99).toFixed(2)}, unchanged ${(r.unchanged.p99 / r.raw.p99).toFixed(2)}; p99 changed ${r.figures.p99.toFixed(2)} ms ${r.figures.p99 <= 100 ? 'MET' : 'NOT MET'}, unchanged ${r.unchanged.p99.toFixed(2)} ms ${r.unchanged.p99 <= 100 ? 'MET' : 'NOT MET'} (target ≤ 100 ms); RSS while serving up to ${r.servingRssMb.toFixed(0)} MB (V8 heap in use up to ${r.servingHeapMb.toFixed(0)} MB), max RSS of the whole run ${r.maxRssMb.toFixed(0)} MB (target ≤ 600 MB)`);
  }
  if (which.includes('logins')) {
    const r = await loginsBench(Number(process.env.BENCH_LOGINS ?? 100), Number(process.env.BENCH_CREATE_USERS ?? 100), Number(process.env.BENCH_IMPORT_USERS ?? 1000));
    const fmt = (p: Percentiles) => formatPercentiles(p, 0);
    const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
    const la = r.loadAverage;
    console.log(`logins: embedded app, default rate limits, one address (127.0.0.1), ${r.cores} cores (load average at start ${la.start.toFixed(2)})`);
    console.log(`  raw argon2id (m=19456 KiB, t=2, p=1), ${r.cores} at once: ${r.rawHashesPerSecond.toFixed(1)} hashes/s, ${r.rawVerifiesPerSecond.toFixed(1)} verifies/s; one at a time ${r.rawSequentialHashesPerSecond.toFixed(1)} hashes/s; one-time passwords (4 MiB, t=1) ${r.rawOneTimeHashesPerSecond.toFixed(0)} hashes/s`);
    console.log(`  GET /api/auth/me, ${r.logins.concurrent} at once (bare authenticated route): ${fmt(r.me)}`);
    console.log(
      `  ${r.logins.concurrent} concurrent logins: ${fmt(r.logins)}, errors ${r.logins.errors} (${Object.entries(r.logins.statuses).map(([s, n]) => `${n}×${s}`).join(', ')}); ` +
        `raw floor ${r.loginFloorMs.toFixed(0)} ms, ratio p99/floor ${(r.logins.p99 / r.loginFloorMs).toFixed(2)}, p99/me p99 ${(r.logins.p99 / r.me.p99).toFixed(1)} ` +
        `(target 0 errors, p99 ≤ 2000 ms) ${met(r.logins.errors === 0 && r.logins.p99 <= 2000)} (load average ${la.logins.toFixed(2)})`,
    );
    console.log(
      `  create ${r.createUsers.users} users with a password and a grant (POST /api/users, one after another): ${r.createUsers.seconds.toFixed(1)} s, errors ${r.createUsers.errors}; ` +
        `raw hashing alone ${r.createUsers.floorSeconds.toFixed(1)} s, ratio ${(r.createUsers.seconds / r.createUsers.floorSeconds).toFixed(2)} (target ≤ 10 s) ${met(r.createUsers.errors === 0 && r.createUsers.seconds <= 10)} (load average ${la.create.toFixed(2)})`,
    );
    console.log(
      `  import ${r.importUsers.rows} coordinators from a CSV: ${r.importUsers.seconds.toFixed(1)} s (${r.importUsers.created} created, ${r.importUsers.rejected} rejected); ` +
        `raw one-time hashing alone ${r.importUsers.floorSeconds.toFixed(1)} s, ratio ${(r.importUsers.seconds / r.importUsers.floorSeconds).toFixed(2)}; full-cost hashing alone would be ${r.importUsers.fullCostSeconds.toFixed(1)} s (target ≤ 60 s) ${met(r.importUsers.created === r.importUsers.rows && r.importUsers.seconds <= 60)} (load average ${la.import.toFixed(2)})`,
    );
  }
  if (which.includes('snapshot')) {
    const r = await snapshotBench(Number(process.env.BENCH_SNAPSHOT_EVENTS ?? 5000), Number(process.env.BENCH_SNAPSHOT_COMMANDS ?? 500));
    const fmt = (p: Percentiles) => formatPercentiles(p);
    console.log(`snapshot: one command on a donation flow of ${r.events} events (a snapshot every ${r.every} events; load average ${r.loadAverage.before.toFixed(2)} → ${r.loadAverage.after.toFixed(2)})`);
    console.log(`  raw better-sqlite3 read of the stream's last event + JSON.parse:   ${fmt(r.raw)}`);
    console.log(`  raw better-sqlite3 durable single-row insert (the floor of an append):  ${fmt(r.rawAppend)}`);
    console.log(`  command without snapshots (whole stream read and folded), ${r.without.commands}: ${fmt(r.without)}`);
    console.log(`  command with snapshots, ${r.withSnapshots.commands}:                              ${fmt(r.withSnapshots)}`);
    console.log(`    of which ${r.withoutWrite.commands} wrote no snapshot:                         ${fmt(r.withoutWrite)}`);
    console.log(`    and ${r.withWrite.commands} wrote one (every ${r.every} events):                ${fmt(r.withWrite)}`);
    console.log(`  ratio with/raw read: p50 ${(r.withSnapshots.p50 / r.raw.p50).toFixed(1)}, p99 ${(r.withSnapshots.p99 / r.raw.p99).toFixed(1)}; with/raw durable insert: p50 ${(r.withSnapshots.p50 / r.rawAppend.p50).toFixed(2)}, p99 ${(r.withSnapshots.p99 / r.rawAppend.p99).toFixed(2)}; without/with p99 ${(r.without.p99 / r.withSnapshots.p99).toFixed(1)}× (target p99 ≤ 5 ms) ${r.withSnapshots.p99 <= 5 ? 'MET' : 'NOT MET'}`);
  }
  if (which.includes('start')) {
    const r = await startBench(Number(process.env.BENCH_START_ROUNDS ?? 3), process.env.BENCH_START_SEED !== 'false');
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const worst = Math.max(...r.start);
    console.log(`start: npm start on an unchanged tree to GET /health 200, ${r.rounds} rounds (load average ${r.loadAverage.before.toFixed(2)} → ${r.loadAverage.after.toFixed(2)}); built nothing: ${r.builtNothing ? 'yes' : 'NO'}`);
    console.log(`  raw node bare http server to its first answer: ${r.raw.map((x) => x.toFixed(2)).join(', ')} s (median ${median(r.raw).toFixed(2)} s)`);
    console.log(`  npm start to healthy:                          ${r.start.map((x) => x.toFixed(2)).join(', ')} s (median ${median(r.start).toFixed(2)} s)`);
    console.log(`  ratio start/raw (medians): ${(median(r.start) / median(r.raw)).toFixed(1)}; slowest ${worst.toFixed(2)} s (target ≤ 5 s) ${worst <= 5 && r.builtNothing ? 'MET' : 'NOT MET'}`);
  }
  if (which.includes('rebuild')) {
    const source = process.env.BENCH_REBUILD_DATA ?? 'data-scale';
    const only = process.env.BENCH_REBUILD_ALONE ? process.env.BENCH_REBUILD_ALONE.split(',') : undefined;
    const until = process.env.BENCH_REBUILD_EVENTS ? Number(process.env.BENCH_REBUILD_EVENTS) : undefined;
    const chunkSize = process.env.BENCH_REBUILD_CHUNK ? Number(process.env.BENCH_REBUILD_CHUNK) : undefined;
    const r = await rebuildBench(source, { only, until, chunkSize });
    const goal = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
    console.log(`rebuild: every read model of the embedded default (SQLite store, SQLite read models), ${r.events} events of ${source} (load average ${r.loadAverage[0].toFixed(2)} at start, ${r.loadAverage[1].toFixed(2)} at end)`);
    console.log(`  raw better-sqlite3 read + JSON.parse of the log: ${r.rawPerSecond.toFixed(0)} events/s`);
    console.log(`  full rebuild, log read once: ${r.fullSeconds.toFixed(1)} s (${r.fullCpuSeconds.toFixed(1)} s of CPU), ${r.fullPerSecond.toFixed(0)} events/s (ratio ${(r.fullPerSecond / r.rawPerSecond).toFixed(2)}; goal ≤ 30 s and ≥ 45000 /s) ${goal(r.fullSeconds <= 30 && r.fullPerSecond >= 45_000)}`);
    console.log(`  max RSS up to the end of the full rebuild: ${r.maxRssMb.toFixed(0)} MB (goal ≤ 600 MB) ${goal(r.maxRssMb <= 600)}`);
    for (const a of r.alone) console.log(`  alone ${a.name.padEnd(30)} ${a.seconds.toFixed(1).padStart(6)} s (${a.cpuSeconds.toFixed(1)} s of CPU), ${a.perSecond.toFixed(0).padStart(7)} events/s (ratio ${(a.perSecond / r.rawPerSecond).toFixed(2)}; goal ≥ 100000 /s) ${goal(a.perSecond >= 100_000)}`);
  }
  if (which.includes('kafka-latency')) {
    const r = await kafkaLatencyBench(Number(process.env.BENCH_KAFKA_COMMANDS ?? 300), Number(process.env.BENCH_KAFKA_WRITERS ?? 20), Number(process.env.BENCH_KAFKA_LOADED_COMMANDS ?? 400));
    const fmt = (p: Percentiles) => formatPercentiles(p);
    const la = r.loadAverage;
    const met = (p: Percentiles, target: number) => `(target p99 ≤ ${target} ms) ${p.p99 <= target ? 'MET' : 'NOT MET'}`;
    console.log(`kafka-latency: gateway POST → needs service → PostgreSQL event store → relay → Kafka → projector → gateway GET (X-Min-Position) finds it; load average ${la.start.toFixed(2)} at start`);
    console.log(`  quiet, ${r.commands} commands, one writer (load average ${la.quiet.toFixed(2)}):`);
    console.log(`    raw kafkajs produce→consume round trip (acks=-1): ${fmt(r.raw)}`);
    console.log(`    command → gateway read model:                    ${fmt(r.pipeline)} ${met(r.pipeline, 100)}`);
    console.log(`      of which the POST's answer (appended):         ${fmt(r.answered)}`);
    console.log(`  loaded, ${r.loadedCommands} commands, ${r.writers} concurrent writers (load average ${la.loaded.toFixed(2)}):`);
    console.log(`    raw kafkajs produce→consume round trip (acks=-1): ${fmt(r.rawLoaded)}`);
    console.log(`    command → gateway read model:                    ${fmt(r.loaded)} ${met(r.loaded, 500)}`);
    console.log(`      of which the POST's answer (appended):         ${fmt(r.answeredLoaded)}`);
    console.log(`  ratio pipeline/raw p99: quiet ${(r.pipeline.p99 / r.raw.p99).toFixed(2)}, loaded ${(r.loaded.p99 / r.rawLoaded.p99).toFixed(2)}; reads answered stale: ${r.stale}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
