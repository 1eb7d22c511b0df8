import { Category } from '@shecun/categories';
import { OrganizationType } from './credit-code';

/**
 * Hub organizations (枢纽型社会组织) and industry associations (行业协会商会) may lead group
 * assistance teams (组团帮扶); null for every other organization.
 */
export const HUB_KINDS = ['hub', 'industry_association'] as const;
export type HubKind = (typeof HUB_KINDS)[number];
export const HUB_KIND_LABELS: Record<HubKind, string> = { hub: '枢纽型社会组织', industry_association: '行业协会商会' };

/** normal → abnormal (列入活动异常名录) → normal (移出); deregistered (注销) is final. */
export const STANDINGS = ['normal', 'abnormal', 'deregistered'] as const;
export type Standing = (typeof STANDINGS)[number];
export const STANDING_LABELS: Record<Standing, string> = { normal: '正常', abnormal: '活动异常名录', deregistered: '已注销' };

/** The organization's public office contact (not a person's private data). */
export interface Contact {
  person?: string;
  phone?: string;
  email?: string;
  address?: string;
}

/** A member unit (会员单位) that receives pushed needs; its credit code when it has one. */
export interface MemberUnit {
  name: string;
  creditCode?: string;
}

export interface Profile {
  /** Service fields (服务领域): the assistance categories it works in. */
  categories: Category[];
  contact: Contact;
  memberUnits: MemberUnit[];
  description: string;
}

export interface Registration {
  creditCode: string;
  name: string;
  type: OrganizationType;
  /** The division it is registered in (登记地): a known Guangdong division code. */
  homeDivisionCode: string;
  hubKind: HubKind | null;
}

export const organizationStream = (organizationId: string) => `org-${organizationId}`;
