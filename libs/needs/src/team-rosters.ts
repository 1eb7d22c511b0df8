import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RecordedEvent } from '@shecun/event-store';
import { Projection } from '@shecun/projections';
import { Column, DataSource, Entity, EntityManager, PrimaryColumn } from 'typeorm';

/**
 * The needs context's own view of 组团帮扶 teams, fed by the organizations context's team events
 * (no synchronous call across contexts, like the standings view). The command handler reads it
 * when a hub offers a commitment on behalf of a team: who leads the team, whether it is still
 * active, and who its members are. Members' standings come from the standings view.
 *
 * Consumed events (the organizations context's published contract, by type and data):
 *   TeamFormed             { teamId, leadOrganizationId, leadOrganizationName, title }
 *   TeamInvitationAccepted { teamId, organizationId, organizationName, role }
 *   TeamCompleted          { teamId }
 *   TeamDissolved          { teamId }
 * Invitations and declines do not matter here: only members who joined take shares.
 */
export const TEAM_ROSTERS_CONSUMED = ['TeamFormed', 'TeamInvitationAccepted', 'TeamCompleted', 'TeamDissolved'] as const;

export type TeamStatusForNeeds = 'active' | 'completed' | 'dissolved';

export interface TeamMemberForNeeds {
  organizationId: string;
  organizationName: string;
  /** lead, implementing or funding (IATI participating-org roles). */
  role: string;
}

export interface KnownTeam {
  teamId: string;
  title: string;
  leadOrganizationId: string;
  status: TeamStatusForNeeds;
  members: TeamMemberForNeeds[];
}

@Entity('needs_team_rosters')
export class TeamRosterView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) teamId: string;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'varchar', length: 64 }) leadOrganizationId: string;
  @Column({ type: 'varchar', length: 12 }) status: string;
  /** JSON array of TeamMemberForNeeds, the lead first. */
  @Column({ type: 'text' }) members: string;
  @Column({ type: 'varchar', length: 40 }) updatedAt: string;
  @Column({ type: 'integer' }) revision: number;
}

export const NEEDS_TEAM_ENTITIES = [TeamRosterView];

@Injectable()
export class NeedsTeamRostersProjection implements Projection {
  readonly name = 'needs-team-rosters';
  readonly eventTypes = TEAM_ROSTERS_CONSUMED;
  readonly entities = NEEDS_TEAM_ENTITIES;

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (!(TEAM_ROSTERS_CONSUMED as readonly string[]).includes(event.type)) return;
    const data = event.data as { teamId: string; leadOrganizationId?: string; leadOrganizationName?: string; title?: string; organizationId?: string; organizationName?: string; role?: string };
    const row = await manager.findOneBy(TeamRosterView, { teamId: data.teamId });
    if (row && row.revision >= event.revision) return; // already applied
    if (event.type === 'TeamFormed') {
      const lead: TeamMemberForNeeds = { organizationId: data.leadOrganizationId!, organizationName: data.leadOrganizationName ?? '', role: 'lead' };
      await manager.save(TeamRosterView, {
        teamId: data.teamId, title: data.title ?? '', leadOrganizationId: lead.organizationId, status: 'active', members: JSON.stringify([lead]),
        updatedAt: event.metadata.occurredAt, revision: event.revision,
      });
      return;
    }
    if (!row) return; // a team this view never saw formed
    let members = JSON.parse(row.members) as TeamMemberForNeeds[];
    let status = row.status;
    if (event.type === 'TeamInvitationAccepted') {
      members = [...members.filter((m) => m.organizationId !== data.organizationId), { organizationId: data.organizationId!, organizationName: data.organizationName ?? '', role: data.role ?? 'implementing' }];
    } else {
      status = event.type === 'TeamCompleted' ? 'completed' : 'dissolved';
    }
    await manager.save(TeamRosterView, { ...row, members: JSON.stringify(members), status, updatedAt: event.metadata.occurredAt, revision: event.revision });
  }
}

/** Port: what the needs command handler asks about a team. */
export interface TeamRosters {
  of(teamId: string): Promise<KnownTeam | undefined>;
}
export const TEAM_ROSTERS = Symbol.for('shecun.needs.TeamRosters');

@Injectable()
export class ReadModelTeamRosters implements TeamRosters {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(teamId: string): Promise<KnownTeam | undefined> {
    const row = await this.dataSource.getRepository(TeamRosterView).findOneBy({ teamId });
    if (!row) return undefined;
    return { teamId: row.teamId, title: row.title, leadOrganizationId: row.leadOrganizationId, status: row.status as TeamStatusForNeeds, members: JSON.parse(row.members) };
  }
}
