import { Subscription } from './types';

/** The subscriptions an adapter has handed out and not yet stopped, so that closing it stops them all. */
export class OpenSubscriptions {
  private readonly open = new Set<Subscription>();

  /** Wraps a subscription so that stopping it also forgets it; `onStop` runs after it has stopped. */
  track(inner: Subscription, onStop?: () => void): Subscription {
    const subscription: Subscription = {
      stop: async () => {
        this.open.delete(subscription);
        await inner.stop();
        onStop?.();
      },
    };
    this.open.add(subscription);
    return subscription;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.open].map((s) => s.stop()));
  }
}
