import { DataSource } from 'typeorm';
import { DONATION_VIEW_ENTITIES, DonationFlowView } from '../../libs/donations/src/donation.projection';
import { recentDisclosures } from '../../libs/donations/src/donations.disclosure';
import { DonationOrganizationView } from '../../libs/donations/src/organization-identifiers';
import { createTestDatabase } from '../support/pg';

/**
 * The disclosure's landing (GET /api/disclosure/recent) grouped and summed by PostgreSQL, as the
 * gateway serves it from the projector's read models: sums as numbers, transfers apart from money
 * from donors, undisclosed flows left out, a city by where the money was received or went.
 */
describe('recent disclosures on PostgreSQL read models', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;

  const flow = (id: string, o: Partial<DonationFlowView>) =>
    Object.assign(new DonationFlowView(), {
      id, parentFlowId: null, donorKind: 'individual', donorOrganizationId: null, recipientKind: 'organization', recipientId: 'x', recipientOrganizationId: 'x', recipientDivision: '4401',
      villageCodes: ',', needIds: ',', transferOrganizationIds: ',', status: 'received', disclosed: true, receivedAt: '2026-11-01T00:00:00Z',
      receivedFen: 0, allocatedFen: 0, usedFen: 0, confirmedFen: 0, updatedAt: '2026-11-01T00:00:00Z', revision: 1, state: '{}', ...o,
    });

  beforeAll(async () => {
    db = await createTestDatabase('shecun_recent');
    ds = await new DataSource({ type: 'postgres', url: db.url, entities: DONATION_VIEW_ENTITIES, synchronize: true }).initialize();
    await ds.getRepository(DonationOrganizationView).save([
      { organizationId: 'org-fdn', creditCode: '53440000MJ0000001X', name: '某教育基金会', memberUnits: '[]', revision: 0 },
      { organizationId: 'org-hub', creditCode: '51441800MJ0000002Y', name: '某市社会组织总会', memberUnits: '[]', revision: 0 },
    ]);
    await ds.getRepository(DonationFlowView).save([
      flow('gift', { donorKind: 'organization', donorOrganizationId: 'org-donor', recipientOrganizationId: 'org-fdn', recipientDivision: '4401', transferOrganizationIds: ',org-hub,', receivedFen: 1_000_000, allocatedFen: 700_000, updatedAt: '2026-11-02T00:00:00Z' }),
      flow('child', { parentFlowId: 'gift', donorKind: 'transfer', donorOrganizationId: 'org-fdn', recipientOrganizationId: 'org-hub', recipientDivision: '4418', villageCodes: ',441826105201,', receivedFen: 650_000, usedFen: 300_000, confirmedFen: 300_000, updatedAt: '2026-11-05T00:00:00Z' }),
      flow('own', { recipientOrganizationId: 'org-hub', recipientDivision: '4418', receivedFen: 20_000, updatedAt: '2026-11-03T00:00:00Z' }),
      flow('secret', { recipientOrganizationId: 'org-hub', recipientDivision: '4418', receivedFen: 99_999, disclosed: false, updatedAt: '2026-11-09T00:00:00Z' }),
    ]);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('sums per organization, money from donors apart from transfers, the latest first', async () => {
    const all = await recentDisclosures(ds, { limit: 20 });
    expect(all.organizations).toEqual([
      { organizationId: 'org-hub', name: '某市社会组织总会', flows: 2, receivedFen: 670_000, fromDonorsFen: 20_000, transferredInFen: 650_000, usedFen: 300_000, confirmedFen: 300_000, updatedAt: '2026-11-05T00:00:00Z' },
      { organizationId: 'org-fdn', name: '某教育基金会', flows: 1, receivedFen: 1_000_000, fromDonorsFen: 1_000_000, transferredInFen: 0, usedFen: 0, confirmedFen: 0, updatedAt: '2026-11-02T00:00:00Z' },
    ]);
    expect(all.donations.map((d) => [d.flowId, d.transferFrom])).toEqual([
      ['child', { organizationId: 'org-fdn', name: '某教育基金会' }],
      ['own', null],
      ['gift', null],
    ]);
    expect(all.donations[0].villageCodes).toEqual(['441826105201']);
  });

  it('narrows to a city, and limits each list', async () => {
    const qingyuan = await recentDisclosures(ds, { city: '4418', limit: 1 });
    expect(qingyuan.organizations.map((o) => o.organizationId)).toEqual(['org-hub']);
    expect(qingyuan.donations.map((d) => d.flowId)).toEqual(['child']);
    expect(await recentDisclosures(ds, { city: '4403', limit: 20 })).toEqual({ city: '4403', organizations: [], donations: [] });
  });
});
