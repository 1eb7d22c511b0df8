/**
 * The message-bus port: events travel between services over it (Kafka in the distributed
 * topology, in-process in tests and tools). Adapters keep per-key order: all messages with one key
 * (one event stream) arrive in the order they were published.
 */
export interface BusMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface ConsumedMessage extends BusMessage {
  topic: string;
  partition: number;
  offset: string;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Processes one message; a throw is retried, then the message goes to the dead-letter topic. */
  handle: (message: ConsumedMessage) => Promise<void>;
  /** Attempts before dead-lettering a message. Default 3. */
  maxAttempts?: number;
  /**
   * Whether a failure is the handler's infrastructure being unavailable (its database restarting,
   * say) rather than the message being bad. Such failures are retried with capped back-off for as
   * long as the consumer runs — never dead-lettered — so an outage delays messages but loses none.
   * Default: no failure is transient.
   */
  isTransient?: (error: unknown) => boolean;
}

export interface BusConsumer {
  stop(): Promise<void>;
}

export interface MessageBus {
  /** Resolves only once the broker has acknowledged every message (all in-sync replicas). */
  publish(topic: string, messages: BusMessage[]): Promise<void>;
  consume(options: ConsumerOptions): Promise<BusConsumer>;
  close(): Promise<void>;
}

/** Dead-letter topic of a topic. */
export const deadLetterTopic = (topic: string) => `${topic}.dlt`;

export const MESSAGE_BUS = Symbol.for('shecun.MessageBus');
