import { Presets, SingleBar } from 'cli-progress';

/**
 * Without a terminal (CI, logs) the bar is printed as a line a second instead of redrawn; also
 * while the work runs synchronously (SQLite answers at once), which keeps cli-progress's own
 * timer from firing: an update a second or more after the last line prints one.
 */
export class LoggedBar extends SingleBar {
  private printedAt = 0;

  override update(current: number, payload?: object): void;
  override update(payload: object): void;
  override update(current: number | object, payload?: object): void {
    if (typeof current === 'number') super.update(current, payload);
    else super.update(current);
    if (!process.stderr.isTTY && Date.now() - this.printedAt >= 1000) {
      this.printedAt = Date.now();
      this.render();
    }
  }
}

/** A bar counting items of a long command (`label [bar] 42% | 420/1000 | 3s`). */
export function bar(label: string): SingleBar {
  return new LoggedBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 },
    Presets.shades_classic,
  );
}

/** A bar counting events with their rate and the time left (rebuilds); `work` reports done and total. */
export function rateBar(label: string): { onProgress: (done: number, total: number) => void; stop: () => void } {
  const progress = new LoggedBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted} | {duration_formatted}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000, etaBuffer: 20 },
    Presets.shades_classic,
  );
  const started = Date.now();
  progress.start(1, 0, { rate: 0 });
  return {
    onProgress: (done, total) => {
      progress.setTotal(Math.max(total, 1));
      progress.update(done, { rate: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) });
    },
    stop: () => progress.stop(),
  };
}

/** Runs `work` with a {@link rateBar}, stopped at the end whatever happens. */
export async function withRateBar<T>(label: string, work: (onProgress: (done: number, total: number) => void) => Promise<T>): Promise<T> {
  const progress = rateBar(label);
  try {
    return await work(progress.onProgress);
  } finally {
    progress.stop();
  }
}
