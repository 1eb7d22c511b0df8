import { EventEmitter } from 'node:events';
import { pause } from '@shecun/resilience';
import { RecordedEvent, Subscription, SubscriptionHandler, SubscriptionOptions } from './types';

/**
 * Catch-up-then-live subscription over any `readAll`: reads batches after the checkpoint until the
 * head, then waits for a wake-up signal (an append in this process) or the poll interval (appends
 * by other processes sharing the store), and reads again. Delivery is strictly in position order,
 * one batch at a time; a failing handler stops the subscription and reports through `onError`.
 */
export function pollingSubscription(
  readAll: (after: number, maxCount: number) => Promise<RecordedEvent[]>,
  checkpoint: number,
  handler: SubscriptionHandler,
  options: SubscriptionOptions & { wakeUp: EventEmitter; pollIntervalMs: number },
): Subscription {
  const batchSize = options.batchSize ?? 500;
  let stopped = false;
  let wake: (() => void) | undefined;
  const onAppend = () => wake?.();
  options.wakeUp.on('append', onAppend);

  // Until the poll interval, or sooner when this process appends (or the subscription stops).
  const sleep = () => {
    const woken = new AbortController();
    wake = () => woken.abort();
    return pause(options.pollIntervalMs, woken.signal).finally(() => (wake = undefined));
  };

  const loop = (async () => {
    let position = checkpoint;
    let live = false;
    try {
      while (!stopped) {
        const batch = await readAll(position, batchSize);
        if (stopped) break;
        if (batch.length > 0) {
          await handler(batch);
          position = batch[batch.length - 1].position;
          // Synchronous drivers resolve without ever reaching the event loop: let I/O (HTTP) run between batches.
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        if (!live) {
          live = true;
          options.onLive?.();
        }
        await sleep();
      }
    } catch (error) {
      stopped = true;
      if (options.onError) options.onError(error);
      else console.error('subscription stopped', error);
    } finally {
      options.wakeUp.off('append', onAppend);
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
