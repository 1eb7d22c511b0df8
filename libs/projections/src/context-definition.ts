import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import type { Projection } from './projection';

/** What a Nest module's `imports` takes. */
export type ModuleImport = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

/**
 * What the embedded app gives a context to build its module: the data folder, the environment,
 * and settings the app (or a test) sets for a context, under the context's name.
 */
export interface EmbeddedHost {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  settings: Readonly<Record<string, unknown>>;
}

/** A projection of the distributed read models and the topics (without TOPIC_PREFIX) that feed it. */
export interface ReadModelFeedFactory {
  topics: string[];
  create: () => Projection;
}

/**
 * One bounded context, declared once in its own folder (`libs/<context>/src/context.ts`): the
 * stream families it writes and their topic, its module and read-model tables in the embedded
 * topology, and what the distributed apps take from it. The apps compose from lists of these
 * (`apps/standalone/src/contexts.ts`, `libs/hosting/src/contexts.ts`): adding a context is its
 * folder and one line in each list.
 */
export interface ContextDefinition {
  name: string;
  /** Stream family (the stream name up to its first `-`) → the topic it is published to. */
  streams: Readonly<Record<string, string>>;
  /**
   * The event types each of its stream families holds: its published language, listed in the
   * event catalogue (docs/events.md) with each type's current schema version.
   */
  events: Readonly<Record<string, readonly string[]>>;
  embedded: {
    /** The context's whole module in the one process (commands, queries, projections, sweeps). */
    module(host: EmbeddedHost): ModuleImport;
    /** Its tables in the embedded read database (data/read.sqlite). */
    entities: readonly Function[];
  };
  distributed?: {
    /** The projector's feeds of this context's read models (one consumer group each). */
    feeds?: readonly ReadModelFeedFactory[];
    /** Its tables in the distributed read database (the projector migrates it, the gateway reads it). */
    entities?: readonly Function[];
    /**
     * Migrations of its tables in the distributed read database, run by the projector after the
     * projector's own (which hold the tables of the first contexts).
     */
    migrations?: readonly Function[];
    /** What the gateway serves for this context from the read models (given the environment). */
    gateway?(env: NodeJS.ProcessEnv): ModuleImport[];
    /** Commands the gateway forwards to the write service that hosts them (see {@link ContextCommands}). */
    commands?: ContextCommands;
  };
}

/**
 * Where the gateway forwards a context's commands: requests under `prefixes` go to the write
 * service `service`, found at `<SERVICE>_SERVICE_URL` (e.g. NEEDS_SERVICE_URL). A service may host
 * several contexts' commands (its app imports their command modules).
 */
export interface ContextCommands {
  service: string;
  /** The command side the write service imports for this context (its routes, handlers and the views it decides on). */
  modules?(env: NodeJS.ProcessEnv): ModuleImport[];
  prefixes: readonly string[];
  /** Forward reads too: the service keeps the only copy of this context's views. */
  reads?: boolean;
  /** The gateway refuses to start without the service's URL (otherwise these routes answer 404). */
  required?: boolean;
}
