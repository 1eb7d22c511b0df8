import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import {
  commitmentStatus,
  CommitmentState,
  initialNeedState,
  isNeedEvent,
  lackingQuantity,
  NeedState,
  needDecider,
  needStatus,
  teamOf,
} from '@shecun/needs';
import { isOrganizationEvent, isPairingEvent, isTeamEvent, OrganizationEvent, PairingEvent, TeamEvent } from '@shecun/organizations';
import { numberTransformer, Projection } from '@shecun/projections';
import { Column, Entity, EntityManager, Index, PrimaryColumn } from 'typeorm';
import { categoryMask } from './scoring';

/**
 * The matching context's read model, fed by the organizations context's registry, pairing and
 * team events and by the needs context's events (by type and data, like every cross-context
 * view). Every row carries the global position of the last event that changed it, so the ranking
 * service keeps an in-memory copy fresh by reading only the rows changed since it last looked.
 */

/** An organization as matching sees it: registry facts and its commitment record. */
@Entity('matching_organizations')
export class MatchingOrganizationRow {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  /** '' until the registration is seen (a commitment can name an organization first only in replays of odd logs). */
  @Column({ type: 'varchar', length: 12 }) homeDivisionCode: string;
  @Column({ type: 'varchar', length: 24, nullable: true }) hubKind: string | null;
  /** Service fields as a bit mask over CATEGORIES (see scoring.ts categoryMask). */
  @Column({ type: 'integer' }) categories: number;
  /** normal, abnormal, deregistered, or unregistered (no registration seen). */
  @Column({ type: 'varchar', length: 16 }) standing: string;
  /** Revision of the organization's stream last applied; -1 before its registration. */
  @Column({ type: 'integer' }) revision: number;
  /** Open commitments (offered or accepted, not delivered in full, need still open) as JSON [needId, commitmentId, promisedBy | null until accepted][]. */
  @Column({ type: 'text' }) open: string;
  @Column({ type: 'integer' }) deliveredOnTime: number;
  @Column({ type: 'integer' }) deliveredLate: number;
  /** Withdrawn after the coordinator accepted them (an unanswered offer withdrawn does not count). */
  @Column({ type: 'integer' }) withdrawn: number;
  @Index() @Column({ type: 'bigint', transformer: numberTransformer }) position: number;
}

/** A need with what its line items still lack; `state` is the needs decider's state (its own evolve). */
@Entity('matching_needs')
export class MatchingNeedRow {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Column({ type: 'varchar', length: 12 }) villageCode: string;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'varchar', length: 20 }) category: string;
  @Column({ type: 'varchar', length: 24 }) status: string;
  /** Published or partially committed, with something still lacking: open for offers. */
  @Column({ type: 'boolean' }) open: boolean;
  @Column({ type: 'varchar', length: 40, nullable: true }) publishedAt: string | null;
  /** JSON [{id, kind, description, unit, quantity, lacking}] of line items that still lack something. */
  @Column({ type: 'text' }) lacking: string;
  @Column({ type: 'integer' }) revision: number;
  @Index() @Column({ type: 'bigint', transformer: numberTransformer }) position: number;
  @Column({ type: 'text' }) state: string;
}

@Entity('matching_pairings')
export class MatchingPairingRow {
  @PrimaryColumn({ type: 'varchar', length: 80 }) id: string;
  @Column({ type: 'varchar', length: 64 }) organizationId: string;
  @Column({ type: 'varchar', length: 12 }) targetCode: string;
  @Column({ type: 'boolean' }) active: boolean;
  @Column({ type: 'integer' }) revision: number;
  @Index() @Column({ type: 'bigint', transformer: numberTransformer }) position: number;
}

@Entity('matching_teams')
export class MatchingTeamRow {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Column({ type: 'varchar', length: 64 }) leadOrganizationId: string;
  @Column({ type: 'varchar', length: 12 }) targetCode: string;
  @Column({ type: 'integer' }) categories: number;
  /** active, completed or dissolved. */
  @Column({ type: 'varchar', length: 12 }) status: string;
  /** JSON array of the organization ids that joined (the lead not included). */
  @Column({ type: 'text' }) members: string;
  @Column({ type: 'integer' }) revision: number;
  @Index() @Column({ type: 'bigint', transformer: numberTransformer }) position: number;
}

export const MATCHING_VIEW_ENTITIES = [MatchingOrganizationRow, MatchingNeedRow, MatchingPairingRow, MatchingTeamRow];

/** One open commitment of an organization: need, commitment, promised date once accepted. */
export type OpenCommitment = [needId: string, commitmentId: string, promisedBy: string | null];

/** What one commitment contributes to the record of each organization taking part in it. */
type Phase = { kind: 'open'; promisedBy: string | null } | { kind: 'onTime' } | { kind: 'late' } | { kind: 'withdrawn' } | { kind: 'none' };

const ENDED = ['withdrawn', 'expired', 'fulfilled', 'closed'];

function phaseOf(c: CommitmentState, need: NeedState): Phase {
  const status = commitmentStatus(c);
  if (status === 'delivered') {
    const lastRecorded = c.deliveries.reduce((last, d) => (d.recordedAt > last ? d.recordedAt : last), '');
    return lastRecorded.slice(0, 10) <= c.promisedBy ? { kind: 'onTime' } : { kind: 'late' };
  }
  if (status === 'withdrawn') return c.acceptedAt ? { kind: 'withdrawn' } : { kind: 'none' };
  if (status === 'declined') return { kind: 'none' };
  // Offered or accepted: open while the need is; an ended need leaves it neither open nor counted.
  if (ENDED.includes(need.lifecycle)) return { kind: 'none' };
  return { kind: 'open', promisedBy: status === 'accepted' ? c.promisedBy : null };
}

/** The holder, and every member of a team commitment who took a share. */
const participantsOf = (c: CommitmentState): string[] => [...new Set([c.organizationId, ...(teamOf(c)?.members.map((m) => m.organizationId) ?? [])])];

const samePhase = (a: Phase, b: Phase) => a.kind === b.kind && (a.kind !== 'open' || a.promisedBy === (b as { promisedBy: string | null }).promisedBy);

const COUNTER = { onTime: 'deliveredOnTime', late: 'deliveredLate', withdrawn: 'withdrawn' } as const;

@Injectable()
export class MatchingProjection implements Projection {
  readonly name = 'matching';
  readonly entities = MATCHING_VIEW_ENTITIES;

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (isNeedEvent(event)) return this.applyNeed(event, manager);
    if (isOrganizationEvent(event)) return this.applyOrganization(event as RecordedEvent & OrganizationEvent, manager);
    if (isPairingEvent(event)) return this.applyPairing(event as RecordedEvent & PairingEvent, manager);
    if (isTeamEvent(event)) return this.applyTeam(event as RecordedEvent & TeamEvent, manager);
  }

  private placeholder(id: string, position: number): MatchingOrganizationRow {
    return Object.assign(new MatchingOrganizationRow(), {
      id, name: '', homeDivisionCode: '', hubKind: null, categories: 0, standing: 'unregistered', revision: -1,
      open: '[]', deliveredOnTime: 0, deliveredLate: 0, withdrawn: 0, position,
    });
  }

  private async applyOrganization(event: RecordedEvent & OrganizationEvent, manager: EntityManager): Promise<void> {
    const id = event.data.organizationId;
    const row = await manager.findOneBy(MatchingOrganizationRow, { id });
    if (row && row.revision >= event.revision) return; // already applied
    const next = row ?? this.placeholder(id, event.position);
    switch (event.type) {
      case 'OrganizationRegistered':
        Object.assign(next, {
          name: event.data.name, homeDivisionCode: event.data.homeDivisionCode, hubKind: event.data.hubKind ?? null,
          categories: categoryMask(event.data.categories), standing: 'normal',
        });
        break;
      case 'OrganizationProfileUpdated':
        next.categories = categoryMask(event.data.categories);
        break;
      case 'OrganizationListedAbnormal':
        next.standing = 'abnormal';
        break;
      case 'OrganizationStandingRestored':
        next.standing = 'normal';
        break;
      case 'OrganizationDeregistered':
        next.standing = 'deregistered';
        break;
    }
    next.revision = event.revision;
    next.position = event.position;
    if (row) await manager.update(MatchingOrganizationRow, { id }, next);
    else await manager.insert(MatchingOrganizationRow, next);
  }

  private async applyPairing(event: RecordedEvent & PairingEvent, manager: EntityManager): Promise<void> {
    const id = event.data.pairingId;
    const row = await manager.findOneBy(MatchingPairingRow, { id });
    if (row && row.revision >= event.revision) return;
    if (event.type === 'PairingProposed') {
      const fields = { organizationId: event.data.organizationId, targetCode: event.data.targetCode, active: false, revision: event.revision, position: event.position };
      if (row) await manager.update(MatchingPairingRow, { id }, fields);
      else await manager.insert(MatchingPairingRow, { id, ...fields });
      return;
    }
    if (!row) return; // a pairing this view never saw proposed
    await manager.update(MatchingPairingRow, { id }, { active: event.type === 'PairingConfirmed', revision: event.revision, position: event.position });
  }

  private async applyTeam(event: RecordedEvent & TeamEvent, manager: EntityManager): Promise<void> {
    const id = event.data.teamId;
    const row = await manager.findOneBy(MatchingTeamRow, { id });
    if (row && row.revision >= event.revision) return;
    if (event.type === 'TeamFormed') {
      const d = event.data;
      const fields = { leadOrganizationId: d.leadOrganizationId, targetCode: d.targetCode, categories: categoryMask(d.categories), status: 'active', members: '[]', revision: event.revision, position: event.position };
      if (row) await manager.update(MatchingTeamRow, { id }, fields);
      else await manager.insert(MatchingTeamRow, { id, ...fields });
      return;
    }
    if (!row) return; // a team this view never saw formed
    const changes: Partial<MatchingTeamRow> = { revision: event.revision, position: event.position };
    if (event.type === 'TeamInvitationAccepted') {
      const members = JSON.parse(row.members) as string[];
      if (!members.includes(event.data.organizationId)) changes.members = JSON.stringify([...members, event.data.organizationId]);
    } else if (event.type === 'TeamCompleted' || event.type === 'TeamDissolved') {
      changes.status = event.type === 'TeamCompleted' ? 'completed' : 'dissolved';
    }
    await manager.update(MatchingTeamRow, { id }, changes);
  }

  private async applyNeed(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (!isNeedEvent(event)) return;
    const needId = (event.data as { needId: string }).needId;
    const row = await manager.findOneBy(MatchingNeedRow, { id: needId });
    if (row && row.revision >= event.revision) return; // already applied
    const before: NeedState = row ? JSON.parse(row.state) : initialNeedState;
    const after = needDecider.evolve(before, event);
    const status = needStatus(after);
    const lacking = after.fields.lineItems
      .map((li) => ({ id: li.id, kind: li.kind, description: li.description, unit: li.unit, quantity: li.quantity, lacking: lackingQuantity(after, li) }))
      .filter((li) => li.lacking > 0);
    const fields = {
      villageCode: after.villageCode,
      title: after.fields.title,
      category: after.fields.category,
      status,
      open: (status === 'published' || status === 'partially_committed') && lacking.length > 0,
      publishedAt: after.publishedAt,
      lacking: JSON.stringify(lacking),
      revision: event.revision,
      position: event.position,
      state: JSON.stringify(after),
    };
    if (row) await manager.update(MatchingNeedRow, { id: needId }, fields);
    else await manager.insert(MatchingNeedRow, { id: needId, ...fields });
    await this.updateRecords(before, after, event.position, manager);
  }

  /** Moves each organization's open commitments and delivery record from what `before` implied to what `after` does. */
  private async updateRecords(before: NeedState, after: NeedState, position: number, manager: EntityManager): Promise<void> {
    type Change = { remove: string[]; add: OpenCommitment[]; counters: Partial<Record<(typeof COUNTER)[keyof typeof COUNTER], number>> };
    const changes = new Map<string, Change>();
    const change = (orgId: string) => changes.get(orgId) ?? changes.set(orgId, { remove: [], add: [], counters: {} }).get(orgId)!;
    const apply = (c: CommitmentState, phase: Phase, sign: 1 | -1) => {
      for (const orgId of participantsOf(c)) {
        const ch = change(orgId);
        if (phase.kind === 'open') {
          if (sign < 0) ch.remove.push(c.id);
          else ch.add.push([after.id, c.id, phase.promisedBy]);
        } else if (phase.kind !== 'none') {
          const counter = COUNTER[phase.kind];
          ch.counters[counter] = (ch.counters[counter] ?? 0) + sign;
        }
      }
    };
    const previous = new Map(before.commitments.map((c) => [c.id, c]));
    for (const c of after.commitments) {
      const old = previous.get(c.id);
      const was = old ? phaseOf(old, before) : ({ kind: 'none' } as Phase);
      const now = phaseOf(c, after);
      if (old && samePhase(was, now) && participantsOf(old).join('|') === participantsOf(c).join('|')) continue;
      if (old) apply(old, was, -1);
      apply(c, now, 1);
    }
    for (const [orgId, ch] of changes) {
      const row = (await manager.findOneBy(MatchingOrganizationRow, { id: orgId })) ?? null;
      const next = row ?? this.placeholder(orgId, position);
      const open = (JSON.parse(next.open) as OpenCommitment[]).filter(([needId, cid]) => !(needId === after.id && ch.remove.includes(cid)));
      open.push(...ch.add);
      next.open = JSON.stringify(open);
      for (const [counter, delta] of Object.entries(ch.counters) as [keyof typeof ch.counters, number][]) next[counter] = Math.max(0, next[counter] + delta);
      next.position = position;
      if (row) await manager.update(MatchingOrganizationRow, { id: orgId }, { open: next.open, deliveredOnTime: next.deliveredOnTime, deliveredLate: next.deliveredLate, withdrawn: next.withdrawn, position });
      else await manager.insert(MatchingOrganizationRow, next);
    }
  }
}
