import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * A job the platform runs by itself: shortly after start, then every `intervalMs`, unless the
 * environment variable `switchName` is `false`. Subclasses decide what one sweep does (through the
 * command path, as `system`); errors are logged and the next sweep tries again.
 */
export abstract class PeriodicSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger: Logger;
  private timer?: NodeJS.Timeout;

  protected constructor(
    name: string,
    private readonly switchName: string,
    private readonly intervalMs = 3_600_000,
  ) {
    this.logger = new Logger(name);
  }

  abstract sweep(): Promise<unknown>;

  onApplicationBootstrap(): void {
    if (process.env[this.switchName] === 'false') return;
    const run = () => this.sweep().catch((error) => this.logger.error(error instanceof Error ? error.message : String(error)));
    setTimeout(run, 10_000).unref();
    this.timer = setInterval(run, this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
