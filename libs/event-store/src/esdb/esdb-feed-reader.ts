/** Pulling batches off the client's live subscription stream. */

/** The parts of an object-mode Readable that {@link FeedReader} uses. */
export interface PullableStream {
  readonly destroyed: boolean;
  read(): unknown;
  // Listener types as Node declares them, so both Readable and the client's subscription fit.
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/** A server subscription as the client hands it out: an object-mode Readable plus `unsubscribe`. */
export interface EsdbLiveFeed extends PullableStream {
  unsubscribe(): Promise<void>;
  destroy(): unknown;
}

/**
 * Pulls from an object-mode Readable in batches without ever switching it to flowing mode, so
 * nothing is read off the wire while a batch is being handled (the client's stream is piped from
 * the gRPC call, which then applies back-pressure). Errors are held until the items buffered
 * before them have been taken.
 */
export class FeedReader<T> {
  private failed = false;
  private error: unknown;
  private ended = false;
  private interrupted = false;
  private wake?: () => void;
  private readonly onSignal = () => this.notify();
  private readonly onEnd = () => {
    this.ended = true;
    this.notify();
  };
  private readonly onError = (error: unknown) => {
    if (!this.failed) {
      this.failed = true;
      this.error = error;
    }
    this.notify();
  };

  constructor(private readonly stream: PullableStream) {
    stream.on('readable', this.onSignal);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  /**
   * Up to `max` items, waiting until at least one is there. `ended` when the stream finished,
   * `interrupted` after {@link interrupt}; throws the stream's error.
   */
  async next(max: number): Promise<T[] | 'ended' | 'interrupted'> {
    for (;;) {
      if (this.interrupted) return 'interrupted';
      const items: T[] = [];
      while (items.length < max) {
        const item = this.stream.destroyed ? null : (this.stream.read() as T | null);
        if (item === null) break;
        items.push(item);
      }
      if (items.length > 0) return items;
      if (this.failed) throw this.error;
      if (this.ended) return 'ended';
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Makes a pending or later `next` return `interrupted`. */
  interrupt(): void {
    this.interrupted = true;
    this.notify();
  }

  /** Detaches from the stream; an error emitted afterwards is swallowed rather than crashing the process. */
  dispose(): void {
    this.stream.off('readable', this.onSignal);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onError);
    this.stream.on('error', () => undefined);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
