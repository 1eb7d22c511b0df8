import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import { Projection, RowFold } from '@shecun/projections';
import { Column, Entity, EntityManager, PrimaryColumn } from 'typeorm';

/**
 * The donations context's own record of organizations' identifiers, fed by the organizations
 * context's published events (never its tables or streams): the IATI export names every
 * organization by its unified social credit code (统一社会信用代码), and an association's member
 * units by theirs where the association listed one.
 *
 * Consumed events (the organizations context's published contract, by type and data):
 *   OrganizationRegistered     { organizationId, creditCode, name, memberUnits: { name, creditCode? }[] }
 *   OrganizationProfileUpdated { organizationId, memberUnits }
 */
export const ORGANIZATION_IDENTIFIERS_CONSUMED = ['OrganizationRegistered', 'OrganizationProfileUpdated'] as const;

@Entity('donation_organizations_view')
export class DonationOrganizationView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) organizationId: string;
  @Column({ type: 'varchar', length: 18 }) creditCode: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  /** Member units as JSON `[{ name, creditCode? }]`. */
  @Column({ type: 'text' }) memberUnits: string;
  @Column({ type: 'integer' }) revision: number;
}

export const DONATION_ORGANIZATION_ENTITIES = [DonationOrganizationView];

/** What the exports know of an organization. */
export interface OrganizationIdentity {
  organizationId: string;
  creditCode: string;
  name: string;
  memberUnits: { name: string; creditCode?: string }[];
}

type MemberUnits = { name: string; creditCode?: string }[];
const memberUnitsOf = (value: unknown): MemberUnits =>
  Array.isArray(value) ? value.filter((m) => m && typeof m.name === 'string').map((m) => ({ name: m.name, ...(typeof m.creditCode === 'string' && m.creditCode ? { creditCode: m.creditCode } : {}) })) : [];

/** A projection of its own (so it replays the log from the start wherever it is added). */
@Injectable()
export class DonationOrganizationsProjection implements Projection {
  readonly name = 'donations-organizations';
  readonly eventTypes = ORGANIZATION_IDENTIFIERS_CONSUMED;
  readonly entities = DONATION_ORGANIZATION_ENTITIES;

  apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    return this.applyBatch([event], manager);
  }

  /** Each organization's row read once per batch, the events folded in memory, each changed row written once. */
  async applyBatch(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    const mine = events.filter((e) => (ORGANIZATION_IDENTIFIERS_CONSUMED as readonly string[]).includes(e.type) && (e.data as { organizationId?: string }).organizationId);
    if (mine.length === 0) return;
    const rows = new RowFold(DonationOrganizationView, 'organizationId');
    await rows.load(manager, mine.map((e) => (e.data as { organizationId: string }).organizationId));
    for (const event of mine) {
      const data = event.data as { organizationId: string; creditCode?: string; name?: string; memberUnits?: unknown };
      const row = rows.get(data.organizationId);
      if (row && row.revision >= event.revision) continue; // already applied
      if (event.type === 'OrganizationRegistered') {
        if (!data.creditCode || !data.name) continue;
        rows.set(Object.assign(new DonationOrganizationView(), { organizationId: data.organizationId, creditCode: data.creditCode, name: data.name, memberUnits: JSON.stringify(memberUnitsOf(data.memberUnits)), revision: event.revision }));
      } else if (row && data.memberUnits !== undefined) {
        rows.set(Object.assign(new DonationOrganizationView(), { ...row, memberUnits: JSON.stringify(memberUnitsOf(data.memberUnits)), revision: event.revision }));
      }
    }
    await rows.flush(manager);
  }
}

export const organizationIdentity = (row: DonationOrganizationView): OrganizationIdentity => ({
  organizationId: row.organizationId,
  creditCode: row.creditCode,
  name: row.name,
  memberUnits: JSON.parse(row.memberUnits) as MemberUnits,
});
