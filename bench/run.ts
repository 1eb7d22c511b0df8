import { appendBench } from './append.bench';
import { kafkaLatencyBench } from './kafka-latency.bench';
import { latencyBench } from './latency.bench';
import { matchingBench } from './matching.bench';
import { monitoringRebuildBench } from './monitoring-rebuild.bench';
import { rebuildBench } from './rebuild.bench';
import { relayBench } from './relay.bench';

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
    const fmt = (p: { p50: number; p99: number; max: number }) => `p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms, max ${p.max.toFixed(2)} ms`;
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
  if (which.includes('rebuild')) {
    const source = process.env.BENCH_REBUILD_DATA ?? '/work/scale-data';
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
    const r = await kafkaLatencyBench(Number(process.env.BENCH_KAFKA_COMMANDS ?? 300));
    const fmt = (p: { p50: number; p99: number; max: number }) => `p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms, max ${p.max.toFixed(2)} ms`;
    console.log(`kafka-latency: ${r.commands} commands, gateway POST → needs service → PostgreSQL event store → relay → Kafka → projector → gateway GET finds it`);
    console.log(`  raw kafkajs produce→consume round trip (acks=-1): ${fmt(r.raw)}`);
    console.log(`  command → gateway read model:                    ${fmt(r.pipeline)}`);
    console.log(`  ratio pipeline/raw: p50 ${(r.pipeline.p50 / r.raw.p50).toFixed(2)}, p99 ${(r.pipeline.p99 / r.raw.p99).toFixed(2)} (target p99 ≤ 500 ms) ${r.pipeline.p99 <= 500 ? 'MET' : 'NOT MET'}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
