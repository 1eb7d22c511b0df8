import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import { Projection, RowFold } from '@shecun/projections';
import { Column, DataSource, Entity, EntityManager, In, PrimaryColumn } from 'typeorm';

/**
 * The donations context's own record of who acted on a donation by name, fed by the identity
 * context's published events (never its tables or streams): the auditor's trace names the person
 * behind each step (their display name), the user id kept beside it.
 *
 * Consumed events (the identity context's published contract, by type and data):
 *   UserRegistered { userId, displayName }
 */
export const PEOPLE_CONSUMED = ['UserRegistered'] as const;

@Entity('donation_people_view')
export class DonationPersonView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) userId: string;
  @Column({ type: 'varchar', length: 100 }) displayName: string;
  @Column({ type: 'integer' }) revision: number;
}

export const DONATION_PEOPLE_ENTITIES = [DonationPersonView];

/** A projection of its own (so it replays the log from the start wherever it is added). */
@Injectable()
export class DonationPeopleProjection implements Projection {
  readonly name = 'donations-people';
  readonly eventTypes = PEOPLE_CONSUMED;
  readonly entities = DONATION_PEOPLE_ENTITIES;

  apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    return this.applyBatch([event], manager);
  }

  async applyBatch(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    const mine = events.filter((e) => (PEOPLE_CONSUMED as readonly string[]).includes(e.type) && typeof (e.data as { userId?: unknown }).userId === 'string');
    if (mine.length === 0) return;
    const rows = new RowFold(DonationPersonView, 'userId');
    await rows.load(manager, mine.map((e) => (e.data as { userId: string }).userId));
    for (const event of mine) {
      const data = event.data as { userId: string; displayName?: unknown };
      const row = rows.get(data.userId);
      if (row && row.revision >= event.revision) continue; // already applied
      if (typeof data.displayName !== 'string' || !data.displayName) continue;
      rows.set(Object.assign(new DonationPersonView(), { userId: data.userId, displayName: data.displayName.slice(0, 100), revision: event.revision }));
    }
    await rows.flush(manager);
  }
}

/** Display names of the given user ids, as this context recorded them (ids it never saw are left out). */
export async function displayNames(dataSource: DataSource, userIds: Iterable<string>): Promise<Map<string, string>> {
  const all = [...new Set(userIds)];
  const found = new Map<string, string>();
  for (let i = 0; i < all.length; i += 500) {
    for (const row of await dataSource.getRepository(DonationPersonView).findBy({ userId: In(all.slice(i, i + 500)) })) found.set(row.userId, row.displayName);
  }
  return found;
}
