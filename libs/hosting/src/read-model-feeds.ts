import { IdempotencyRecord } from '@shecun/core';
import { DONATION_VIEW_ENTITIES, DonationOrganizationsProjection, DonationsProjection } from '@shecun/donations';
import { IDENTITY_ORGANIZATION_SCOPE_ENTITIES, IDENTITY_VIEW_ENTITIES, IdentityOrganizationScopesProjection, IdentityProjection } from '@shecun/identity';
import { MATCHING_VIEW_ENTITIES, MatchingChangeCounter, SequencedMatchingProjection } from '@shecun/matching';
import { MONITORING_VIEW_ENTITIES, MonitoringProjection } from '@shecun/monitoring';
import { NEED_VIEW_ENTITIES, NeedsProjection } from '@shecun/needs';
import { ORGANIZATIONS_CONTEXT_ENTITIES, OrganizationsProjection, PairingsProjection, TeamsProjection } from '@shecun/organizations';
import { BUS_PROJECTOR_ENTITIES, Projection, ReadModelFeed } from '@shecun/projections';

const NEEDS = 'shecun.needs.v1';
const ORGANIZATIONS = 'shecun.organizations.v1';
const IDENTITY = 'shecun.identity.v1';
const DONATIONS = 'shecun.donations.v1';

/** A projection of the distributed read models and the topics (without TOPIC_PREFIX) that feed it. */
export interface ReadModelFeedFactory {
  topics: string[];
  create: () => Projection;
}

/**
 * The PostgreSQL read models of the distributed topology: what the projector consumes (one
 * consumer group each), and what the gateway's read-your-writes waits for.
 */
export const READ_MODEL_FEEDS: ReadModelFeedFactory[] = [
  { topics: [NEEDS], create: () => new NeedsProjection() },
  { topics: [IDENTITY], create: () => new IdentityProjection() },
  // Where organizations are registered, for the gateway's user commands (the delegation rules).
  { topics: [ORGANIZATIONS], create: () => new IdentityOrganizationScopesProjection() },
  { topics: [ORGANIZATIONS], create: () => new OrganizationsProjection() },
  { topics: [ORGANIZATIONS], create: () => new PairingsProjection() },
  { topics: [ORGANIZATIONS], create: () => new TeamsProjection() },
  { topics: [DONATIONS], create: () => new DonationsProjection() },
  // The organizations' credit codes, for the donations context's IATI export.
  { topics: [ORGANIZATIONS], create: () => new DonationOrganizationsProjection() },
  // The bureau's dashboard (监测): needs figures by region, category and period.
  { topics: [NEEDS], create: () => new MonitoringProjection() },
  // Matching (供需对接): organizations, pairings, teams and needs; rows stamped by the change counter.
  { topics: [ORGANIZATIONS, NEEDS], create: () => new SequencedMatchingProjection() },
];

/** Each feed's projection name with its topics (for the gateway: no projection is built to apply anything). */
export const readModelFeeds = (): ReadModelFeed[] => READ_MODEL_FEEDS.map((f) => ({ name: f.create().name, topics: f.topics }));

/**
 * The tables of the distributed read database: the feeds' read models, the bus projectors' own
 * (processed and parked events), and the gateway's idempotency records. The projector migrates it;
 * the gateway reads it with the same list.
 */
export const DISTRIBUTED_READ_MODEL_ENTITIES = [
  ...NEED_VIEW_ENTITIES,
  ...IDENTITY_VIEW_ENTITIES,
  ...IDENTITY_ORGANIZATION_SCOPE_ENTITIES,
  ...ORGANIZATIONS_CONTEXT_ENTITIES,
  ...DONATION_VIEW_ENTITIES,
  ...MONITORING_VIEW_ENTITIES,
  ...MATCHING_VIEW_ENTITIES,
  MatchingChangeCounter,
  ...BUS_PROJECTOR_ENTITIES,
  IdempotencyRecord,
];
