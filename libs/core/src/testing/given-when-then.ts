/**
 * Given/when/then specs for any pure Decider: fold the given history with `evolve`, `decide` one
 * command, then assert the new events or the DomainError. Test-only: it uses jest's `expect`, so it
 * is exported from `@shecun/core/testing`, never from the runtime barrel `@shecun/core`.
 *
 *   given(needDecider, [drafted, published])
 *     .when({ type: 'WithdrawNeed', reason: '村委会另有安排' }, { actor: coordinator, now })
 *     .then([{ type: 'NeedWithdrawn', data: { ... } }]);
 */
import { DecisionContext, Decider, DomainEvent, fold } from '../decider';
import { DomainError, DomainErrorKind } from '../domain-error';

export interface WhenClause<State, Event extends DomainEvent> {
  /** Asserts `decide` returned exactly these events (toEqual); returns them. */
  then(expected: Event[]): Event[];
  /** Asserts `decide` threw a DomainError of this kind (and message part); returns the error for more checks. */
  thenThrows(kind: DomainErrorKind, messagePart?: string | RegExp): DomainError;
  /** The state the command was decided on. */
  readonly state: State;
}

export interface GivenClause<Command, State, Event extends DomainEvent> {
  /** The given history folded with `evolve`. */
  readonly state: State;
  when(command: Command, context: DecisionContext): WhenClause<State, Event>;
}

type Outcome<Event> = { ok: true; events: Event[] } | { ok: false; error: unknown };

const describeError = (error: unknown) =>
  error instanceof DomainError ? `DomainError(${error.kind}): ${error.message}` : String(error instanceof Error ? error.stack : error);

export function given<Command, State, Event extends DomainEvent>(
  decider: Decider<Command, State, Event>,
  events: readonly Event[] = [],
): GivenClause<Command, State, Event> {
  const state = fold(decider, events);
  return {
    state,
    when(command, context) {
      const run = (): Outcome<Event> => {
        try {
          return { ok: true, events: decider.decide(command, state, context) };
        } catch (error) {
          return { ok: false, error };
        }
      };
      return {
        state,
        then(expected) {
          const outcome = run();
          if (!outcome.ok) throw new Error(`expected events from ${describeCommand(command)}, but it threw ${describeError(outcome.error)}`);
          expect(outcome.events).toEqual(expected);
          return outcome.events;
        },
        thenThrows(kind, messagePart) {
          const outcome = run();
          if (outcome.ok) {
            throw new Error(
              `expected ${describeCommand(command)} to be rejected as ${kind}, but it decided ${JSON.stringify(outcome.events, null, 2)}`,
            );
          }
          const { error } = outcome;
          if (!(error instanceof DomainError)) throw new Error(`expected a DomainError(${kind}), but got ${describeError(error)}`);
          expect({ kind: error.kind, message: error.message }).toEqual({ kind, message: error.message });
          if (typeof messagePart === 'string') expect(error.message).toContain(messagePart);
          else if (messagePart) expect(error.message).toMatch(messagePart);
          return error;
        },
      };
    },
  };
}

const describeCommand = (command: unknown) =>
  command && typeof command === 'object' && 'type' in command ? `command ${String((command as { type: unknown }).type)}` : 'the command';
