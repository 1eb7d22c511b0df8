/** The stream was not at the expected revision. The caller may reload and retry. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamName: string,
    readonly expected: string | number,
    readonly actual: number | 'no-stream',
  ) {
    super(`stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** An event id is already stored, but not as the same event of the same stream. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(readonly eventId: string, readonly streamName: string) {
    super(`event ${eventId} is already stored elsewhere than as this append to ${streamName}`);
  }
}
