import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RecordedEvent } from '@shecun/event-store';
import { Projection, ProjectionHost, RowFold } from '@shecun/projections';
import { Column, DataSource, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import { NEEDS_TEAM_ENTITIES, NeedsTeamRostersProjection, ReadModelTeamRosters, TEAM_ROSTERS } from './team-rosters';

/**
 * The needs context's own view of organizations' standing, fed by the organizations context's
 * events (no synchronous call across contexts). The command handler reads it and hands the
 * standing to the decider, which refuses new commitments unless it is `normal`.
 *
 * Consumed events (the organizations context's published contract, by type and data):
 *   OrganizationRegistered       { organizationId, name }
 *   OrganizationListedAbnormal   { organizationId, reason }
 *   OrganizationStandingRestored { organizationId }
 *   OrganizationDeregistered     { organizationId, reason }
 */
export const ORGANIZATION_STANDINGS_CONSUMED = [
  'OrganizationRegistered',
  'OrganizationListedAbnormal',
  'OrganizationStandingRestored',
  'OrganizationDeregistered',
] as const;

/** What the needs context knows of an organization; `unregistered` when no registration was seen. */
export type OrganizationStandingForNeeds = 'normal' | 'abnormal' | 'deregistered' | 'unregistered';

@Entity('needs_organization_standings')
export class OrganizationStandingView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) organizationId: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 16 }) standing: string;
  @Column({ type: 'varchar', length: 500, nullable: true }) reason: string | null;
  @Column({ type: 'varchar', length: 40 }) updatedAt: string;
  @Column({ type: 'integer' }) revision: number;
}

/**
 * The needs context's local views of the organizations context: standings, and team rosters
 * (team-rosters.ts). Every topology that runs the needs command handler creates these tables.
 */
export const NEEDS_STANDING_ENTITIES = [OrganizationStandingView, ...NEEDS_TEAM_ENTITIES];

@Injectable()
export class NeedsOrganizationStandingsProjection implements Projection {
  readonly name = 'needs-organization-standings';
  readonly eventTypes = ORGANIZATION_STANDINGS_CONSUMED;
  readonly entities = [OrganizationStandingView];

  apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    return this.applyBatch([event], manager);
  }

  /** Each organization's row read once per batch, the events folded in memory, each changed row written once. */
  async applyBatch(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    const mine = events.filter((e) => (ORGANIZATION_STANDINGS_CONSUMED as readonly string[]).includes(e.type));
    if (mine.length === 0) return;
    const rows = new RowFold(OrganizationStandingView, 'organizationId');
    await rows.load(manager, mine.map((e) => (e.data as { organizationId: string }).organizationId));
    for (const event of mine) {
      const data = event.data as { organizationId: string; name?: string; reason?: string };
      const row = rows.get(data.organizationId);
      if (row && row.revision >= event.revision) continue; // already applied
      const standing =
        event.type === 'OrganizationListedAbnormal' ? 'abnormal' : event.type === 'OrganizationDeregistered' ? 'deregistered' : 'normal';
      rows.set(Object.assign(new OrganizationStandingView(), {
        organizationId: data.organizationId,
        name: data.name ?? row?.name ?? '',
        standing,
        reason: standing === 'normal' ? null : (data.reason ?? null),
        updatedAt: event.metadata.occurredAt,
        revision: event.revision,
      }));
    }
    await rows.flush(manager);
  }
}

export interface KnownOrganization {
  standing: OrganizationStandingForNeeds;
  /** The registered name, when registered. */
  name?: string;
}

/** Port: what the needs command handler asks about an organization. */
export interface OrganizationStandings {
  of(organizationId: string): Promise<KnownOrganization>;
}
export const ORGANIZATION_STANDINGS = Symbol.for('shecun.needs.OrganizationStandings');

@Injectable()
export class ReadModelOrganizationStandings implements OrganizationStandings {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(organizationId: string): Promise<KnownOrganization> {
    const row = await this.dataSource.getRepository(OrganizationStandingView).findOneBy({ organizationId });
    if (!row) return { standing: 'unregistered' };
    return { standing: row.standing as OrganizationStandingForNeeds, name: row.name };
  }
}

/** The standings and team-roster views, their projections (registered with the projection host) and the ports. */
@Module({
  providers: [
    NeedsOrganizationStandingsProjection,
    ReadModelOrganizationStandings,
    { provide: ORGANIZATION_STANDINGS, useExisting: ReadModelOrganizationStandings },
    NeedsTeamRostersProjection,
    ReadModelTeamRosters,
    { provide: TEAM_ROSTERS, useExisting: ReadModelTeamRosters },
  ],
  exports: [ORGANIZATION_STANDINGS, NeedsOrganizationStandingsProjection, TEAM_ROSTERS, NeedsTeamRostersProjection],
})
export class NeedsStandingsModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly projection: NeedsOrganizationStandingsProjection,
    private readonly teams: NeedsTeamRostersProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
    this.projections.register(this.teams);
  }
}
