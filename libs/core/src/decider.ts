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
  /**
   * Set on deciders whose streams can grow long: the executor then starts from the latest snapshot
   * of the folded state instead of folding the whole stream (see snapshots.ts).
   */
  readonly snapshot?: SnapshotPolicy<State>;
}

/** How a decider's state is kept in a snapshot. */
export interface SnapshotPolicy<State> {
  /** Names this fold of a stream in the snapshot store (a stream may be folded by several deciders). */
  readonly name: string;
  /**
   * The state's schema version: raise it whenever `evolve` or the state's shape changes, so every
   * snapshot of the old version is ignored and rebuilt from the full stream.
   */
  readonly version: number;
  /** A snapshot every this many events (default: the store's setting, SNAPSHOT_EVERY). */
  readonly every?: number;
  /** To a JSON value, for a state that is not plain JSON (Maps, Sets, Dates…); default the state itself. */
  serialize?(state: State): unknown;
  /** Back from that JSON value; throwing marks the snapshot unusable (it is ignored). Default: the value itself. */
  deserialize?(value: unknown): State;
}

/** For deciders whose every command is a checked transition: each one commutes. */
export const everyCommandCommutes = (): boolean => true;

export const fold = <State, Event extends DomainEvent>(
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State => events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
