/** The teams API's shapes (libs/organizations/src/teams.queries.ts) and the matching context's team suggestion. */
type Pair = readonly [string, string];

export interface TeamMember {
  organizationId: string;
  organizationName: string;
  role: 'lead' | 'implementing' | 'funding';
  share: number;
  status: 'member' | 'invited' | 'declined';
  note: string;
  invitedAt: string;
  joinedAt: string | null;
  declinedAt: string | null;
  declineReason: string | null;
}

export interface Team {
  id: string;
  title: string;
  description: string;
  status: 'active' | 'completed' | 'dissolved';
  targetCode: string;
  categories: Array<{ code: string }>;
  targetNeedIds: string[];
  leadOrganizationId: string;
  leadOrganizationName: string;
  leadHubKind: string | null;
  members: TeamMember[];
  sharesCommitted: number;
  formedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  revision?: number;
}

export interface TeamPage {
  page: number;
  pageSize: number;
  total: number;
  items: Team[];
}

export interface TeamCommandResult {
  teamId: string;
  revision: number;
  position: number | null;
  team: Team;
}

/** POST /api/teams/suggestions (libs/matching): whom to invite and which line items each takes. */
export interface SuggestedLineItem {
  needId: string;
  lineItemId: string;
  description: string;
  unit: string;
  quantity: number;
}
export interface SuggestedMember {
  organizationId: string;
  name: string;
  homeDivisionCode: string;
  slots: number;
  lineItems: SuggestedLineItem[];
}
export interface TeamSuggestion {
  hub: SuggestedMember & { hubKind: string };
  method: 'ilp' | 'greedy';
  optimal: boolean;
  bound?: string;
  lineItems: number;
  covered: number;
  candidatesConsidered: number;
  invitations: SuggestedMember[];
  uncovered: SuggestedLineItem[];
  skipped: Array<{ needId: string; status: string }>;
}

export const TEAM_STATUS_LABELS: Record<string, Pair> = {
  active: ['进行中', 'Active'],
  completed: ['已完成', 'Completed'],
  dissolved: ['已解散', 'Dissolved'],
};
export const TEAM_STATUS_COLORS: Record<string, string> = { active: 'blue', completed: 'success', dissolved: 'default' };

export const TEAM_ROLE_LABELS: Record<string, Pair> = {
  lead: ['牵头', 'Lead'],
  implementing: ['实施', 'Implementing'],
  funding: ['出资', 'Funding'],
};

export const MEMBER_STATUS_LABELS: Record<string, Pair> = {
  member: ['已加入', 'Joined'],
  invited: ['已邀请，待答复', 'Invited, awaiting answer'],
  declined: ['已谢绝', 'Declined'],
};
export const MEMBER_STATUS_COLORS: Record<string, string> = { member: 'green', invited: 'gold', declined: 'default' };

export const HUB_KIND_LABELS: Record<string, Pair> = {
  hub: ['枢纽型社会组织', 'Hub organization'],
  industry_association: ['行业协会商会', 'Industry association'],
};
