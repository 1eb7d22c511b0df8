import { createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { Actor, DomainError, RequestWithActor } from '@shecun/core';
import { NeedsQueries } from '@shecun/needs';
import { TEAM_ROLE_LABELS } from './team.decider';
import { OrganizationsQueries } from './organizations.queries';
import { PairingsQueries } from './pairings.queries';
import { TeamsQueries } from './teams.queries';

/** The caller of a public route when a valid token came with the request; undefined for anonymous callers. */
export const OptionalActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor | undefined => ctx.switchToHttp().getRequest<RequestWithActor>().actor);

/** How many pairings, teams and commitments the profile lists (most recent first); totals count them all. */
export const PROFILE_LIST_LIMIT = 100;

/** A commitment row as the needs context's `GET /api/organizations/{id}/commitments` presents it. */
type CommitmentRow = Awaited<ReturnType<NeedsQueries['commitmentsOf']>>[number];

/**
 * The delivery record (履约记录) over an organization's commitments, held or with a share in a
 * team commitment. Each count answers one question, so a commitment may count in several:
 * offered — every commitment it offered (接单); accepted — accepted by the coordinator at some
 * point (even if later withdrawn or delivered); delivered — with at least one delivery recorded;
 * confirmed — delivered in full and confirmed by the coordinator; withdrawn; declined; overdue —
 * accepted, past its promised date and not delivered in full.
 */
export interface DeliveryRecord {
  offered: number;
  accepted: number;
  delivered: number;
  confirmed: number;
  withdrawn: number;
  declined: number;
  overdue: number;
}

export function deliveryRecordOf(rows: Array<Pick<CommitmentRow, 'status' | 'acceptedAt' | 'deliveryCount' | 'overdue'>>): DeliveryRecord {
  const count = (test: (r: (typeof rows)[number]) => boolean) => rows.filter(test).length;
  return {
    offered: rows.length,
    accepted: count((r) => r.acceptedAt !== null),
    delivered: count((r) => r.deliveryCount > 0),
    confirmed: count((r) => r.status === 'delivered'),
    withdrawn: count((r) => r.status === 'withdrawn'),
    declined: count((r) => r.status === 'declined'),
    overdue: count((r) => r.overdue),
  };
}

/**
 * The organization profile (组织主页): registry entry, pairings, teams and — for those who may see
 * the organization's commitments — its commitments and delivery record. Everything comes from read
 * models: the organizations context's directory, pairings and teams views, and the needs context's
 * commitments view. Visibility is that of the routes the parts come from: registry entry,
 * pairings and teams are public; commitments follow `GET /api/organizations/{id}/commitments`
 * (the organization's own staff, admins, bureau staff and auditors within their scope; `null` for
 * everyone else).
 */
@Injectable()
export class OrganizationProfileQueries {
  constructor(
    private readonly organizations: OrganizationsQueries,
    private readonly pairings: PairingsQueries,
    private readonly teams: TeamsQueries,
    private readonly needs: NeedsQueries,
  ) {}

  async profile(id: string, actor: Actor | undefined) {
    const organization = await this.organizations.get(id);
    const [pairings, teams, commitments] = await Promise.all([
      this.pairings.list({ organizationId: id, page: 1, pageSize: PROFILE_LIST_LIMIT }),
      this.teams.list({ organizationId: id, page: 1, pageSize: PROFILE_LIST_LIMIT }),
      this.visibleCommitments(id, actor),
    ]);
    return {
      organization,
      pairings: {
        total: pairings.total,
        active: pairings.items.filter((p) => p.status === 'active').length,
        items: pairings.items,
      },
      teams: {
        total: teams.total,
        items: teams.items.map((team) => {
          // The list holds the teams it leads, belongs to or is invited to: it is on every roster.
          const me = team.members.find((m) => m.organizationId === id)!;
          return {
            teamId: team.id,
            title: team.title,
            status: team.status,
            targetCode: team.targetCode,
            categories: team.categories,
            leadOrganizationId: team.leadOrganizationId,
            leadOrganizationName: team.leadOrganizationName,
            /** lead: it leads the team; member: it accepted an invitation; invited: the invitation awaits its answer. */
            membership: me.role === 'lead' ? 'lead' : me.status === 'member' ? 'member' : 'invited',
            role: me.role,
            roleLabel: TEAM_ROLE_LABELS[me.role],
            share: me.share,
            memberCount: team.members.filter((m) => m.status === 'member').length,
            formedAt: team.formedAt,
          };
        }),
      },
      commitments: commitments && { total: commitments.length, items: commitments.slice(0, PROFILE_LIST_LIMIT) },
      deliveryRecord: commitments && deliveryRecordOf(commitments),
    };
  }

  /** The commitments the caller may see (the needs context's rule), or null when it may see none. */
  private async visibleCommitments(id: string, actor: Actor | undefined): Promise<CommitmentRow[] | null> {
    if (!actor) return null;
    try {
      return await this.needs.commitmentsOf(id, actor);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'forbidden') return null;
      throw error;
    }
  }
}
