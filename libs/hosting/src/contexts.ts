import { ContextDefinition } from '@shecun/projections';

/**
 * The contexts of the distributed topology, for the apps that host them all: the relay (their
 * streams' topics), the projector (their read-model feeds and tables) and the gateway (their
 * queries). Each line names a context's library and its definition: adding a context is its
 * folder and one line here; a context with commands also gets a write service (`runWriteService`).
 */
export const DISTRIBUTED_CONTEXTS: readonly ContextDefinition[] = [
  (require('@shecun/regions') as typeof import('@shecun/regions')).regionsContext,
  (require('@shecun/needs') as typeof import('@shecun/needs')).needsContext,
  (require('@shecun/organizations') as typeof import('@shecun/organizations')).organizationsContext,
  (require('@shecun/donations') as typeof import('@shecun/donations')).donationsContext,
  (require('@shecun/monitoring') as typeof import('@shecun/monitoring')).monitoringContext,
  (require('@shecun/matching') as typeof import('@shecun/matching')).matchingContext,
  (require('@shecun/identity') as typeof import('@shecun/identity')).identityContext,
  (require('@shecun/evidence') as typeof import('@shecun/evidence')).evidenceContext,
  (require('@shecun/push') as typeof import('@shecun/push')).pushContext,
];
