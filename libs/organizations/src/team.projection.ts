import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import { Projection } from '@shecun/projections';
import { Column, Entity, EntityManager, Index, PrimaryColumn } from 'typeorm';
import { initialTeamState, isTeamEvent, TEAM_EVENT_TYPES, teamDecider, TeamState } from './team.decider';

/** One row per team (组团帮扶): filter columns and the decider's state as JSON for the roster. */
@Entity('teams_view')
export class TeamView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Index() @Column({ type: 'varchar', length: 64 }) leadOrganizationId: string;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Index() @Column({ type: 'varchar', length: 12 }) targetCode: string;
  @Index() @Column({ type: 'varchar', length: 12 }) status: string;
  @Column({ type: 'integer' }) memberCount: number;
  @Column({ type: 'varchar', length: 40 }) updatedAt: string;
  @Column({ type: 'integer' }) revision: number;
  @Column({ type: 'text' }) state: string;
}

/** One row per team and organization (lead, member, invited or declined): "which teams is X in". */
@Entity('team_members_view')
export class TeamMemberView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) teamId: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) organizationId: string;
  @Column({ type: 'varchar', length: 16 }) role: string;
  @Index() @Column({ type: 'varchar', length: 12 }) status: string;
  @Column({ type: 'integer' }) share: number;
}

export const TEAM_VIEW_ENTITIES = [TeamView, TeamMemberView];

@Injectable()
export class TeamsProjection implements Projection {
  readonly name = 'teams';
  readonly eventTypes = TEAM_EVENT_TYPES;
  readonly entities = TEAM_VIEW_ENTITIES;

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (!isTeamEvent(event)) return;
    const id = event.data.teamId;
    const row = await manager.findOneBy(TeamView, { id });
    if (row && row.revision >= event.revision) return; // already applied
    const state: TeamState = teamDecider.evolve(row ? JSON.parse(row.state) : initialTeamState, event);
    await manager.save(TeamView, {
      id,
      leadOrganizationId: state.leadOrganizationId,
      title: state.title,
      targetCode: state.targetCode,
      status: state.status,
      memberCount: state.members.filter((m) => m.status === 'member').length,
      updatedAt: event.metadata.occurredAt,
      revision: event.revision,
      state: JSON.stringify(state),
    });
    await manager.save(
      TeamMemberView,
      state.members.map((m) => ({ teamId: id, organizationId: m.organizationId, role: m.role, status: m.status, share: m.share })),
    );
  }
}
