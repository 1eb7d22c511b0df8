/**
 * The one retry, back-off, pause and wait of the code base. A leaf: it imports no other library of
 * the project, so every layer can use it — the event-store adapters' reconnects as much as the
 * command path, the processors' failure policy and the waits of read-your-writes.
 */
export * from './retry';
