import { IdempotencyRecord } from '@shecun/core';
import { StreamCatalogue } from '@shecun/messaging';
import { BUS_PROJECTOR_ENTITIES, ContextDefinition, ModuleImport, ReadModelFeed, ReadModelFeedFactory } from '@shecun/projections';
import { CONTEXTS } from './contexts';

/** Which topic each stream family is published to, from every context's `streams`. */
export const STREAM_CATALOGUE = new StreamCatalogue(CONTEXTS);

/**
 * The PostgreSQL read models of the distributed topology: what the projector consumes (one
 * consumer group each), and what the gateway's read-your-writes waits for.
 */
export const READ_MODEL_FEEDS: readonly ReadModelFeedFactory[] = CONTEXTS.flatMap((context) => context.distributed?.feeds ?? []);

/** Each feed's projection name with its topics (for the gateway: no projection is built to apply anything). */
export const readModelFeeds = (): ReadModelFeed[] => READ_MODEL_FEEDS.map((f) => ({ name: f.create().name, topics: f.topics }));

/**
 * The tables of the distributed read database: the contexts' read models, the bus projectors' own
 * (processed and parked events), and the gateway's idempotency records. The projector migrates it;
 * the gateway reads it with the same list.
 */
export const DISTRIBUTED_READ_MODEL_ENTITIES: Function[] = [
  ...CONTEXTS.flatMap((context) => context.distributed?.entities ?? []),
  ...BUS_PROJECTOR_ENTITIES,
  IdempotencyRecord,
];

/** What the gateway serves from the read models, context by context. */
export function gatewayImportsOf(env: NodeJS.ProcessEnv, contexts: readonly ContextDefinition[] = CONTEXTS): ModuleImport[] {
  return contexts.flatMap((context) => context.distributed?.gateway?.(env) ?? []);
}

/** The migrations of the distributed read database the contexts bring themselves, after the projector's own. */
export const CONTEXT_READ_MODEL_MIGRATIONS: Function[] = CONTEXTS.flatMap((context) => context.distributed?.migrations ?? []);

/** Where the gateway forwards the requests under a path prefix: the write service that owns them. */
export interface CommandRouteOf {
  service: string;
  prefix: string;
  /** `<SERVICE>_SERVICE_URL`; undefined when not set (the routes answer 404 at the gateway). */
  target: string | undefined;
  reads: boolean;
}

/** The gateway's command routes, from the contexts' `distributed.commands`; a required service without its URL is refused. */
export function commandRoutesOf(env: NodeJS.ProcessEnv, contexts: readonly ContextDefinition[] = CONTEXTS): CommandRouteOf[] {
  return contexts.flatMap((context) => {
    const commands = context.distributed?.commands;
    if (!commands) return [];
    const variable = `${commands.service.toUpperCase().replace(/-/g, '_')}_SERVICE_URL`;
    const target = env[variable] || undefined;
    if (commands.required && !target) throw new Error(`environment variable ${variable} is required`);
    return commands.prefixes.map((prefix) => ({ service: commands.service, prefix, target, reads: commands.reads === true }));
  });
}
