import { Actor } from './actor';

/** A domain event as deciders see it: a type and its data. Envelopes live in the event store. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface DecisionContext {
  actor: Actor;
  /** The decision's clock; deciders never read the system clock themselves. */
  now: Date;
}

/**
 * A pure decider: `decide` turns a command and the current state into new events, or throws a
 * DomainError; `evolve` folds one event into the state. No I/O, no clock, no Nest.
 */
export interface Decider<Command, State, Event extends DomainEvent> {
  readonly initialState: State;
  decide(command: Command, state: State, context: DecisionContext): Event[];
  evolve(state: State, event: Event): State;
  /**
   * Whether the command commutes with whatever another command appended meanwhile: true when
   * deciding it again on the newer state gives what its sender meant (a transition that `decide`
   * checks against the state it is given: offer, accept, confirm, revoke…). False for a person's
   * edit of what they saw (revising a need, a profile): after a concurrent append it is refused
   * (409), not re-decided over the other person's change.
   */
  commutes(command: Command): boolean;
}

/** For deciders whose every command is a checked transition: each one commutes. */
export const everyCommandCommutes = (): boolean => true;

export const fold = <State, Event extends DomainEvent>(
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State => events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
