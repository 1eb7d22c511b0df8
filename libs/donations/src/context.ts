import { IDENTITY_TOPIC } from '@shecun/identity';
import { ORGANIZATIONS_TOPIC } from '@shecun/organizations';
import { ContextDefinition } from '@shecun/projections';
import { DONATION_VIEW_ENTITIES, DonationsProjection } from './donation.projection';
import { FLOW_EVENT_TYPES } from './flow.events';
import { LEDGER_CHECKPOINTED } from './ledger-checkpoint';
import { DonationsCommandsModule, DonationsModule, DonationsQueriesModule, LedgerCheckpointSweepModule } from './donations.module';
import { DonationOrganizationsProjection } from './organization-identifiers';
import { DonationPeopleProjection } from './people';

export const DONATIONS_TOPIC = 'shecun.donations.v1';

/** Donation flows, funds and the sealed ledger (`ledger-checkpoints`). */
export const donationsContext: ContextDefinition = {
  name: 'donations',
  streams: { donation: DONATIONS_TOPIC, fund: DONATIONS_TOPIC, ledger: DONATIONS_TOPIC },
  events: { donation: FLOW_EVENT_TYPES, fund: ['FundEstablished'], ledger: [LEDGER_CHECKPOINTED] },
  embedded: { module: () => DonationsModule, entities: DONATION_VIEW_ENTITIES },
  distributed: {
    feeds: [
      { topics: [DONATIONS_TOPIC], create: () => new DonationsProjection() },
      // The organizations' credit codes, for the IATI export.
      { topics: [ORGANIZATIONS_TOPIC], create: () => new DonationOrganizationsProjection() },
      // People's display names, for the auditor's trace (who did each step).
      { topics: [IDENTITY_TOPIC], create: () => new DonationPeopleProjection() },
    ],
    entities: DONATION_VIEW_ENTITIES,
    // Donation reads; a trace read appends its access-audit event to the event store from there.
    gateway: () => [DonationsQueriesModule],
    commands: { service: 'donations', prefixes: ['/api/donations', '/api/funds'], modules: () => [DonationsCommandsModule, LedgerCheckpointSweepModule] },
  },
};
