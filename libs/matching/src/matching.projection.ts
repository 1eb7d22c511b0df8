import { Injectable } from '@nestjs/common';
import { chinaDate } from '@shecun/core';
import { RecordedEvent } from '@shecun/event-store';
import { CommitmentFacts, foldNeed, isNeedEvent, NEED_EVENT_TYPES, NeedFacts, needFactsOf, NeedFold, needFoldFromJson, needFoldToJson } from '@shecun/needs';
import { isOrganizationEvent, isPairingEvent, isTeamEvent, ORGANIZATION_EVENT_TYPES, OrganizationEvent, PAIRING_EVENT_TYPES, PairingEvent, TEAM_EVENT_TYPES, TeamEvent } from '@shecun/organizations';
import { numberTransformer, Projection, selectRowsIn, upsertRows } from '@shecun/projections';
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

/**
 * The number of the last change to the matching tables, where several consumers write them (the
 * distributed projector): see SequencedMatchingProjection. One row, named 'matching'.
 */
@Entity('matching_changes')
export class MatchingChangeCounter {
  @PrimaryColumn({ type: 'varchar', length: 32 }) name: string;
  @Column({ type: 'bigint', transformer: numberTransformer }) sequence: number;
}

export const MATCHING_CHANGE_COUNTER = 'matching';

/** One open commitment of an organization: need, commitment, promised date once accepted. */
export type OpenCommitment = [needId: string, commitmentId: string, promisedBy: string | null];

/** What one commitment contributes to the record of each organization taking part in it. */
type Phase = { kind: 'open'; promisedBy: string | null } | { kind: 'onTime' } | { kind: 'late' } | { kind: 'withdrawn' } | { kind: 'none' };

function phaseOf(c: CommitmentFacts, need: Pick<NeedFacts, 'ended'>): Phase {
  const status = c.status;
  if (status === 'delivered') {
    // Promised dates are dates in China.
    return chinaDate(c.lastDeliveryAt ?? '') <= c.promisedBy ? { kind: 'onTime' } : { kind: 'late' };
  }
  if (status === 'withdrawn') return c.acceptedAt ? { kind: 'withdrawn' } : { kind: 'none' };
  if (status === 'declined') return { kind: 'none' };
  // Offered or accepted: open while the need is; an ended need leaves it neither open nor counted.
  if (need.ended) return { kind: 'none' };
  return { kind: 'open', promisedBy: status === 'accepted' ? c.promisedBy : null };
}

/** No need yet: no commitments, nothing counted. */
const NO_NEED: Pick<NeedFacts, 'commitments' | 'ended'> = { commitments: [], ended: false };

const samePhase = (a: Phase, b: Phase) => a.kind === b.kind && (a.kind !== 'open' || a.promisedBy === (b as { promisedBy: string | null }).promisedBy);

const COUNTER = { onTime: 'deliveredOnTime', late: 'deliveredLate', withdrawn: 'withdrawn' } as const;

/** Rows of one batch, read once and written back once (each table: id → row, or null when there is none). */
class BatchRows {
  readonly organizations = new Map<string, MatchingOrganizationRow | null>();
  readonly needs = new Map<string, { row: MatchingNeedRow; fold: NeedFold; facts: NeedFacts } | null>();
  readonly pairings = new Map<string, MatchingPairingRow | null>();
  readonly teams = new Map<string, MatchingTeamRow | null>();
  readonly dirty = { organizations: new Set<string>(), needs: new Set<string>(), pairings: new Set<string>(), teams: new Set<string>() };

  constructor(private readonly manager: EntityManager) {}

  /** Reads the rows with these ids that are not read yet, in chunks. */
  async load<T extends { id: string }>(entity: new () => T, cache: Map<string, unknown>, ids: Iterable<string>, wrap: (row: T) => unknown = (row) => row): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !cache.has(id));
    for (const id of missing) cache.set(id, null);
    for (const row of await selectRowsIn(this.manager, entity, 'id', missing)) cache.set(row.id, wrap(row));
  }

  async organization(id: string): Promise<MatchingOrganizationRow | null> {
    if (!this.organizations.has(id)) await this.load(MatchingOrganizationRow, this.organizations, [id]);
    return this.organizations.get(id)!;
  }

  /** Writes every changed row back (insert or update by id), in chunks; `stamp`, when given, replaces each row's position. */
  async flush(stamp?: number): Promise<void> {
    if (stamp !== undefined) {
      for (const table of ['organizations', 'pairings', 'teams'] as const) for (const id of this.dirty[table]) (this[table].get(id) as { position: number }).position = stamp;
      for (const id of this.dirty.needs) this.needs.get(id)!.row.position = stamp;
    }
    const write = async <T extends { id: string }>(entity: new () => T, rows: T[]) => {
      await upsertRows(this.manager, entity, rows);
    };
    await write(MatchingOrganizationRow, [...this.dirty.organizations].map((id) => this.organizations.get(id)!));
    await write(MatchingPairingRow, [...this.dirty.pairings].map((id) => this.pairings.get(id)!));
    await write(MatchingTeamRow, [...this.dirty.teams].map((id) => this.teams.get(id)!));
    await write(MatchingNeedRow, [...this.dirty.needs].map((id) => {
      const { row, fold } = this.needs.get(id)!;
      return { ...row, state: needFoldToJson(fold) };
    }));
  }
}

const organizationIdsOf = (event: RecordedEvent): string[] => {
  const data = event.data as { organizationId?: string; fromOrganizationId?: string; toOrganizationId?: string; team?: { members: { organizationId: string }[] } };
  return [data.organizationId, data.fromOrganizationId, data.toOrganizationId, ...(data.team?.members.map((m) => m.organizationId) ?? [])].filter((id): id is string => !!id);
};

@Injectable()
export class MatchingProjection implements Projection {
  readonly name = 'matching';
  readonly eventTypes = [...NEED_EVENT_TYPES, ...ORGANIZATION_EVENT_TYPES, ...PAIRING_EVENT_TYPES, ...TEAM_EVENT_TYPES];
  readonly entities = MATCHING_VIEW_ENTITIES;

  apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    return this.applyBatch([event], manager);
  }

  /** The same rows as applying each event in turn: every row the batch touches is read once and written once. */
  async applyBatch(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    // First, before any row is read (see SequencedMatchingProjection).
    const stamp = await this.changeStamp(manager);
    const rows = new BatchRows(manager);
    const needEvents = events.filter(isNeedEvent);
    await rows.load(MatchingNeedRow, rows.needs, needEvents.map((e) => (e.data as { needId: string }).needId), (row) => {
      const fold = needFoldFromJson(row.state);
      return { row, fold, facts: needFactsOf(fold) };
    });
    await rows.load(MatchingPairingRow, rows.pairings, events.filter(isPairingEvent).map((e) => (e.data as { pairingId: string }).pairingId));
    await rows.load(MatchingTeamRow, rows.teams, events.filter(isTeamEvent).map((e) => (e.data as { teamId: string }).teamId));
    // Organizations: those the events name, and those holding (or sharing) a commitment on the needs read.
    const orgIds = events.flatMap((e) => (isOrganizationEvent(e) || isNeedEvent(e) ? organizationIdsOf(e) : []));
    for (const need of rows.needs.values()) if (need) for (const c of need.facts.commitments) orgIds.push(...c.participants);
    await rows.load(MatchingOrganizationRow, rows.organizations, orgIds);
    for (const event of events) {
      if (isNeedEvent(event)) await this.applyNeed(event, rows);
      else if (isOrganizationEvent(event)) this.applyOrganization(event as RecordedEvent & OrganizationEvent, rows);
      else if (isPairingEvent(event)) this.applyPairing(event as RecordedEvent & PairingEvent, rows);
      else if (isTeamEvent(event)) this.applyTeam(event as RecordedEvent & TeamEvent, rows);
    }
    await rows.flush(stamp);
  }

  /** What the rows written are stamped with in `position`: here the event's global position. */
  protected async changeStamp(_manager: EntityManager): Promise<number | undefined> {
    return undefined;
  }

  private placeholder(id: string, position: number): MatchingOrganizationRow {
    return Object.assign(new MatchingOrganizationRow(), {
      id, name: '', homeDivisionCode: '', hubKind: null, categories: 0, standing: 'unregistered', revision: -1,
      open: '[]', deliveredOnTime: 0, deliveredLate: 0, withdrawn: 0, position,
    });
  }

  private applyOrganization(event: RecordedEvent & OrganizationEvent, rows: BatchRows): void {
    const id = event.data.organizationId;
    const row = rows.organizations.get(id) ?? null;
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
    rows.organizations.set(id, next);
    rows.dirty.organizations.add(id);
  }

  private applyPairing(event: RecordedEvent & PairingEvent, rows: BatchRows): void {
    const id = event.data.pairingId;
    const row = rows.pairings.get(id) ?? null;
    if (row && row.revision >= event.revision) return;
    if (event.type === 'PairingProposed') {
      rows.pairings.set(id, Object.assign(new MatchingPairingRow(), { id, organizationId: event.data.organizationId, targetCode: event.data.targetCode, active: false, revision: event.revision, position: event.position }));
    } else {
      if (!row) return; // a pairing this view never saw proposed
      Object.assign(row, { active: event.type === 'PairingConfirmed', revision: event.revision, position: event.position });
    }
    rows.dirty.pairings.add(id);
  }

  private applyTeam(event: RecordedEvent & TeamEvent, rows: BatchRows): void {
    const id = event.data.teamId;
    const row = rows.teams.get(id) ?? null;
    if (row && row.revision >= event.revision) return;
    if (event.type === 'TeamFormed') {
      const d = event.data;
      rows.teams.set(id, Object.assign(new MatchingTeamRow(), { id, leadOrganizationId: d.leadOrganizationId, targetCode: d.targetCode, categories: categoryMask(d.categories), status: 'active', members: '[]', revision: event.revision, position: event.position }));
    } else {
      if (!row) return; // a team this view never saw formed
      if (event.type === 'TeamInvitationAccepted') {
        const members = JSON.parse(row.members) as string[];
        if (!members.includes(event.data.organizationId)) row.members = JSON.stringify([...members, event.data.organizationId]);
      } else if (event.type === 'TeamCompleted' || event.type === 'TeamDissolved') {
        row.status = event.type === 'TeamCompleted' ? 'completed' : 'dissolved';
      }
      Object.assign(row, { revision: event.revision, position: event.position });
    }
    rows.dirty.teams.add(id);
  }

  private async applyNeed(event: RecordedEvent, rows: BatchRows): Promise<void> {
    if (!isNeedEvent(event)) return;
    const needId = (event.data as { needId: string }).needId;
    const cached = rows.needs.get(needId) ?? null;
    if (cached && cached.row.revision >= event.revision) return; // already applied
    const before = cached ? cached.facts : NO_NEED;
    const fold = foldNeed(cached ? cached.fold : null, event);
    const after = needFactsOf(fold);
    const status = after.status;
    const lacking = after.lineItems.filter((li) => li.lacking > 0);
    const row = Object.assign(new MatchingNeedRow(), {
      id: needId,
      villageCode: after.villageCode,
      title: after.title,
      category: after.category,
      status,
      open: (status === 'published' || status === 'partially_committed') && lacking.length > 0,
      publishedAt: after.publishedAt,
      lacking: JSON.stringify(lacking),
      revision: event.revision,
      position: event.position,
      state: '',
    });
    rows.needs.set(needId, { row, fold, facts: after });
    rows.dirty.needs.add(needId);
    await this.updateRecords(before, after, event.position, rows);
  }

  /** Moves each organization's open commitments and delivery record from what `before` implied to what `after` does. */
  private async updateRecords(before: Pick<NeedFacts, 'commitments' | 'ended'>, after: NeedFacts, position: number, rows: BatchRows): Promise<void> {
    type Change = { remove: string[]; add: OpenCommitment[]; counters: Partial<Record<(typeof COUNTER)[keyof typeof COUNTER], number>> };
    const changes = new Map<string, Change>();
    const change = (orgId: string) => changes.get(orgId) ?? changes.set(orgId, { remove: [], add: [], counters: {} }).get(orgId)!;
    const apply = (c: CommitmentFacts, phase: Phase, sign: 1 | -1) => {
      for (const orgId of c.participants) {
        const ch = change(orgId);
        if (phase.kind === 'open') {
          if (sign < 0) ch.remove.push(c.id);
          else ch.add.push([after.needId, c.id, phase.promisedBy]);
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
      if (old && samePhase(was, now) && old.participants.join('|') === c.participants.join('|')) continue;
      if (old) apply(old, was, -1);
      apply(c, now, 1);
    }
    for (const [orgId, ch] of changes) {
      const next = (await rows.organization(orgId)) ?? this.placeholder(orgId, position);
      const open = (JSON.parse(next.open) as OpenCommitment[]).filter(([needId, cid]) => !(needId === after.needId && ch.remove.includes(cid)));
      open.push(...ch.add);
      next.open = JSON.stringify(open);
      for (const [counter, delta] of Object.entries(ch.counters) as [keyof typeof ch.counters, number][]) next[counter] = Math.max(0, next[counter] + delta);
      next.position = position;
      rows.organizations.set(orgId, next);
      rows.dirty.organizations.add(orgId);
    }
  }
}

/**
 * The matching projection where events come from several topics and partitions, perhaps to several
 * processes (the distributed projector's consumer group): positions then arrive out of order, and
 * "the rows changed after position P" would miss a row written later with a smaller position. So
 * each transaction takes the next number of the `matching_changes` counter before it reads
 * anything, and stamps every row it writes with that number instead. The counter row stays locked
 * until the transaction commits, which does two things: numbers are handed out in commit order, so
 * when a reader sees the counter at N every row stamped N or less is committed (MatchingService
 * reads this way when given MATCHING_CHANGE_FEED 'counter'); and the transactions of the group's
 * consumers take turns, so two need events of different partitions that both change one
 * organization's record cannot overwrite each other's update.
 */
export class SequencedMatchingProjection extends MatchingProjection {
  protected override async changeStamp(manager: EntityManager): Promise<number> {
    const counters = manager.getRepository(MatchingChangeCounter);
    const bumped = await counters.increment({ name: MATCHING_CHANGE_COUNTER }, 'sequence', 1);
    if (!bumped.affected) await counters.insert({ name: MATCHING_CHANGE_COUNTER, sequence: 1 });
    return (await counters.findOneByOrFail({ name: MATCHING_CHANGE_COUNTER })).sequence;
  }
}
