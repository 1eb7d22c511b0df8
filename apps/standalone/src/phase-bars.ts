/** A progress bar as cli-progress gives it (tests pass their own). */
export interface ProgressBar {
  start(total: number, value: number): void;
  setTotal(total: number): void;
  update(value: number): void;
  stop(): void;
}

/**
 * One progress bar per phase of a long command (checking rows, then writing them…): a phase's bar
 * starts when its first progress arrives, and stops the bars before it.
 */
export function phaseBars<P extends string>(bar: (label: string) => ProgressBar, labels: Record<P, string>) {
  const bars = new Map<P, ProgressBar>();
  return {
    onProgress: (phase: P, done: number, total: number) => {
      let progress = bars.get(phase);
      if (!progress) {
        for (const other of bars.values()) other.stop();
        progress = bar(labels[phase]);
        progress.start(total, 0);
        bars.set(phase, progress);
      }
      progress.setTotal(total);
      progress.update(done);
    },
    stop: () => {
      for (const progress of bars.values()) progress.stop();
    },
  };
}
