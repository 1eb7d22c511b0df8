import { ContextDefinition } from '@shecun/projections';

/**
 * The bounded contexts of the platform, in the order their modules load: the embedded app hosts
 * them all in one process; in the distributed topology the relay publishes their streams, the
 * projector keeps their read models and the gateway serves their queries. Each line names a
 * context's library and its definition (`libs/<context>/src/context.ts`): adding a context is its
 * folder and one line here, plus one line in the write service that hosts its commands.
 */
export const CONTEXTS: readonly ContextDefinition[] = [
  (require('@shecun/evidence') as typeof import('@shecun/evidence')).evidenceContext,
  (require('@shecun/identity') as typeof import('@shecun/identity')).identityContext,
  (require('@shecun/regions') as typeof import('@shecun/regions')).regionsContext,
  (require('@shecun/needs') as typeof import('@shecun/needs')).needsContext,
  (require('@shecun/organizations') as typeof import('@shecun/organizations')).organizationsContext,
  (require('@shecun/donations') as typeof import('@shecun/donations')).donationsContext,
  (require('@shecun/monitoring') as typeof import('@shecun/monitoring')).monitoringContext,
  (require('@shecun/matching') as typeof import('@shecun/matching')).matchingContext,
  (require('@shecun/push') as typeof import('@shecun/push')).pushContext,
];
