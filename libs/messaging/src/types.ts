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
  /**
   * Processes one message. The handler owns what a failure means (the projections' FailurePolicy:
   * wait out an outage, park a bad event); a rejection leaves the message and the rest of its
   * batch uncommitted, to be delivered again — quietly when the consumer stopped or lost the
   * partition meanwhile (`control.isRunning()` false), otherwise after the consumer restarts.
   */
  handle: (message: ConsumedMessage, control: DeliveryControl) => Promise<void>;
  /**
   * Optionally, several consecutive messages of one partition at once (e.g. in one database
   * transaction): true when all of them were handled, false to have them handled one by one by
   * `handle` instead (nothing of the attempt may remain then).
   */
  handleBatch?: (messages: ConsumedMessage[], control: DeliveryControl) => Promise<boolean>;
}

/** Lets a handler that waits keep its consumer alive, and give up when the consumer stops. */
export interface DeliveryControl {
  /** Heartbeats the consumer group (call it while waiting). */
  keepAlive: () => Promise<void>;
  /** False once the consumer stops or lost the message's partition. */
  isRunning: () => boolean;
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

export const MESSAGE_BUS = Symbol.for('shecun.MessageBus');
