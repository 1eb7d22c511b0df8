/** What the matching index holds of organizations, needs, pairings and teams, and what its rankings give. */
import { Category } from '@shecun/categories';
import { OpenCommitment } from './matching.projection';
import { Fairness, LedTeam, Score } from './scoring';

export interface LackingItem {
  id: string;
  kind: string;
  description: string;
  unit: string;
  quantity: number;
  lacking: number;
}

export interface OrganizationEntry {
  id: string;
  name: string;
  homeDivisionCode: string;
  hubKind: string | null;
  categories: number;
  standing: string;
  open: OpenCommitment[];
  onTime: number;
  late: number;
  withdrawn: number;
}

export interface NeedEntry {
  id: string;
  title: string;
  villageCode: string;
  category: Category;
  status: string;
  open: boolean;
  publishedAt: string | null;
  /** Line items that still lack something (read from the row's JSON when first asked for). */
  readonly lacking: LackingItem[];
}

/** A need as held in memory: the line items stay JSON until an answer shows them. */
export class NeedRecord implements NeedEntry {
  private parsed?: LackingItem[];
  constructor(
    readonly id: string,
    readonly title: string,
    readonly villageCode: string,
    readonly category: Category,
    readonly status: string,
    readonly open: boolean,
    readonly publishedAt: string | null,
    private readonly lackingJson: string,
  ) {}
  get lacking(): LackingItem[] {
    return (this.parsed ??= JSON.parse(this.lackingJson) as LackingItem[]);
  }
}

export const NO_OPEN_COMMITMENTS: OpenCommitment[] = [];

export interface TeamEntry extends LedTeam {
  leadOrganizationId: string;
  active: boolean;
}

export interface PairingEntry {
  organizationId: string;
  targetCode: string;
  active: boolean;
}

export interface RankedOrganization extends Score {
  organization: OrganizationEntry;
}

export interface RankedNeed extends Score {
  need: NeedEntry;
  fairness: Fairness;
  /** score + fairness.total: what needs are ranked by. */
  priority: number;
}
