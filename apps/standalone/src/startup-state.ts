import { Injectable } from '@nestjs/common';

/** Where the first-start demo seed is: `none` when this start has no seed to run. */
export type SeedPhase = 'none' | 'pending' | 'running' | 'done' | 'failed';

export interface SeedStatus {
  phase: SeedPhase;
  /** A seed interrupted earlier and completed by this start. */
  resumed?: boolean;
  done?: number;
  total?: number;
  error?: string;
}

/**
 * What this start still has to do before the app may take traffic, beside the read models
 * catching up: the first-start demo seed (GET /health answers 503 until it is done).
 */
@Injectable()
export class StartupState {
  private seedStatus: SeedStatus = { phase: 'none' };

  get seed(): SeedStatus {
    return { ...this.seedStatus };
  }

  /** This start runs the demo seed: not ready until {@link seedDone}. */
  seedPending(resumed: boolean): void {
    this.seedStatus = { phase: 'pending', resumed };
  }

  seedProgress(done: number, total: number): void {
    this.seedStatus = { ...this.seedStatus, phase: 'running', done, total };
  }

  seedDone(): void {
    this.seedStatus = { ...this.seedStatus, phase: 'done' };
  }

  seedFailed(error: unknown): void {
    this.seedStatus = { ...this.seedStatus, phase: 'failed', error: error instanceof Error ? error.message : String(error) };
  }

  /** Ready as far as the seed goes: none to run, or done. */
  get seedSettled(): boolean {
    return this.seedStatus.phase === 'none' || this.seedStatus.phase === 'done';
  }
}
