/** Latency figures of a benchmark, in milliseconds. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** The nearest-rank percentiles of the samples. */
export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1] };
}

export const formatPercentiles = (p: Percentiles, digits = 2) => `p50 ${p.p50.toFixed(digits)} ms, p95 ${p.p95.toFixed(digits)} ms, p99 ${p.p99.toFixed(digits)} ms, max ${p.max.toFixed(digits)} ms`;

/** Milliseconds since `t0` (process.hrtime.bigint()). */
export const elapsedMs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** How long one call takes, in milliseconds. */
export async function timed(run: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await run();
  return elapsedMs(t0);
}
