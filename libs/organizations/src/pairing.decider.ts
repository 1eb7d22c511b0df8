import { Actor, chinaDate, conflict, Decider, DecisionContext, DomainEvent, everyCommandCommutes, forbidden, invalid, notFound, withinScope } from '@shecun/core';
import { CATEGORIES, Category } from '@shecun/categories';
import { Standing } from './organization.model';

/**
 * 结对帮扶: an organization paired with a town or village for a term. One stream per
 * organization–target pair holds its successive terms, so "one proposed or active pairing per
 * organization–village" is decided on one stream and holds under concurrency.
 */
export const pairingId = (organizationId: string, targetCode: string) => `${organizationId}:${targetCode}`;
export const pairingStream = (id: string) => `pairing-${id}`;
export const keyAreaStream = (code: string) => `pairing-key-${code}`;

export type PairingStatus = 'proposed' | 'active' | 'declined' | 'ended' | 'expired';

export type PairingProposed = DomainEvent<
  'PairingProposed',
  {
    pairingId: string;
    term: number;
    organizationId: string;
    organizationName: string;
    targetCode: string;
    targetLevel: 'town' | 'village';
    startDate: string;
    endDate: string;
    categories: Category[];
    note: string;
    proposedAt: string;
  }
>;
export type PairingConfirmed = DomainEvent<'PairingConfirmed', { pairingId: string; term: number; confirmedAt: string }>;
export type PairingDeclined = DomainEvent<'PairingDeclined', { pairingId: string; term: number; reason: string; declinedAt: string }>;
export type PairingEnded = DomainEvent<'PairingEnded', { pairingId: string; term: number; reason: string; endedAt: string }>;
export type PairingExpired = DomainEvent<'PairingExpired', { pairingId: string; term: number; expiredAt: string }>;
export type PairingEvent = PairingProposed | PairingConfirmed | PairingDeclined | PairingEnded | PairingExpired;
export const PAIRING_EVENT_TYPES: PairingEvent['type'][] = ['PairingProposed', 'PairingConfirmed', 'PairingDeclined', 'PairingEnded', 'PairingExpired'];
export const isPairingEvent = (e: { type: string }): e is PairingEvent => (PAIRING_EVENT_TYPES as string[]).includes(e.type);

/** What the handler knows of the organization (from its own stream in this context). */
export interface PairingOrganization {
  exists: boolean;
  standing: Standing;
  name: string;
}

export type PairingCommand =
  | {
      type: 'ProposePairing';
      organizationId: string;
      targetCode: string;
      startDate: string;
      endDate: string;
      categories: Category[];
      note: string;
      /** Set by the handler from the organization's stream. */
      organization: PairingOrganization;
    }
  | { type: 'ConfirmPairing' }
  | { type: 'DeclinePairing'; reason: string }
  | { type: 'EndPairing'; reason: string }
  | { type: 'ExpirePairing' };

export interface PairingTerm {
  term: number;
  status: PairingStatus;
  startDate: string;
  endDate: string;
  categories: Category[];
  note: string;
  proposedAt: string;
  confirmedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
}

export interface PairingState {
  exists: boolean;
  id: string;
  organizationId: string;
  organizationName: string;
  targetCode: string;
  targetLevel: 'town' | 'village';
  /** Every term, oldest first; the last one is the current one. */
  terms: PairingTerm[];
}

export const initialPairingState: PairingState = {
  exists: false, id: '', organizationId: '', organizationName: '', targetCode: '', targetLevel: 'village', terms: [],
};

export const currentTerm = (state: PairingState): PairingTerm | undefined => state.terms[state.terms.length - 1];

const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().startsWith(v);
/** Today in China: terms are dates there. */
const today = (now: Date) => chinaDate(now);

function requireBureauOver(actor: Actor, code: string, zh: string, en: string): void {
  if (actor.role !== 'bureau') throw forbidden(`只有登记管理机关可以${zh} (only bureau staff may ${en})`);
  if (!withinScope(code, actor.scope)) {
    throw forbidden(`${code} 不在您的管辖范围 ${actor.scope ?? '(无)'} 内 (${code} is outside your scope ${actor.scope ?? '(none)'})`);
  }
}

function requireCurrent(state: PairingState, status: PairingStatus, zh: string, en: string): PairingTerm {
  if (!state.exists) throw notFound('结对不存在 (pairing not found)');
  const term = currentTerm(state)!;
  if (term.status !== status) throw conflict(`结对状态为 ${term.status}，${zh} (the pairing is ${term.status}; ${en})`);
  return term;
}

function decide(command: PairingCommand, state: PairingState, { actor, now }: DecisionContext): PairingEvent[] {
  const at = now.toISOString();
  switch (command.type) {
    case 'ProposePairing': {
      const own = (actor.role === 'organization' || actor.role === 'hub') && actor.organizationId === command.organizationId;
      if (!own && actor.role !== 'bureau') {
        throw forbidden('只有本组织工作人员或登记管理机关可以提出结对 (only the organization’s own staff or bureau staff may propose a pairing)');
      }
      if (actor.role === 'bureau') requireBureauOver(actor, command.targetCode, '提出结对', 'propose a pairing');
      if (!command.organization.exists) throw notFound(`社会组织 ${command.organizationId} 未登记 (organization not registered)`);
      if (command.organization.standing !== 'normal') {
        throw forbidden(`社会组织状态为 ${command.organization.standing}，不能新建结对 (an organization listed as abnormal or deregistered may not hold new pairings)`, {
          standing: command.organization.standing,
        });
      }
      const current = currentTerm(state);
      if (current && (current.status === 'proposed' || current.status === 'active')) {
        throw conflict(`该组织与 ${command.targetCode} 已有${current.status === 'active' ? '生效' : '待确认'}的结对 (this organization already has ${current.status === 'active' ? 'an active' : 'a proposed'} pairing with ${command.targetCode})`, {
          pairingId: pairingId(command.organizationId, command.targetCode),
        });
      }
      if (!isDate(command.startDate) || !isDate(command.endDate)) throw invalid('startDate and endDate must be dates YYYY-MM-DD');
      if (command.endDate <= command.startDate) throw invalid('结对结束日期须晚于开始日期 (endDate must be after startDate)');
      if (command.endDate < today(now)) throw invalid('结对期限已过 (the term has already ended)');
      if (command.categories.length === 0) throw invalid('至少选择一个帮扶重点 (choose at least one focus category)');
      for (const c of command.categories) if (!(CATEGORIES as readonly string[]).includes(c)) throw invalid(`未知的帮扶类型 ${c} (unknown category)`);
      if (new Set(command.categories).size !== command.categories.length) throw invalid('帮扶重点重复 (a category is listed twice)');
      return [
        {
          type: 'PairingProposed',
          data: {
            pairingId: pairingId(command.organizationId, command.targetCode),
            term: (current?.term ?? 0) + 1,
            organizationId: command.organizationId,
            organizationName: command.organization.name,
            targetCode: command.targetCode,
            targetLevel: command.targetCode.length === 9 ? 'town' : 'village',
            startDate: command.startDate,
            endDate: command.endDate,
            categories: command.categories,
            note: command.note.trim(),
            proposedAt: at,
          },
        },
      ];
    }
    case 'ConfirmPairing': {
      const term = requireCurrent(state, 'proposed', '只有待确认的结对可以确认', 'only a proposed pairing can be confirmed');
      requireBureauOver(actor, state.targetCode, '确认结对', 'confirm pairings');
      if (term.endDate < today(now)) throw conflict('结对期限已过，请重新提出 (the term has ended; propose again)');
      return [{ type: 'PairingConfirmed', data: { pairingId: state.id, term: term.term, confirmedAt: at } }];
    }
    case 'DeclinePairing': {
      const term = requireCurrent(state, 'proposed', '只有待确认的结对可以不予确认', 'only a proposed pairing can be declined');
      requireBureauOver(actor, state.targetCode, '不予确认结对', 'decline pairings');
      if (!command.reason.trim()) throw invalid('请说明原因 (a reason is required)');
      return [{ type: 'PairingDeclined', data: { pairingId: state.id, term: term.term, reason: command.reason.trim(), declinedAt: at } }];
    }
    case 'EndPairing': {
      const term = requireCurrent(state, 'active', '只有生效的结对可以结束', 'only an active pairing can be ended');
      const own = (actor.role === 'organization' || actor.role === 'hub') && actor.organizationId === state.organizationId;
      if (!own) requireBureauOver(actor, state.targetCode, '结束结对', 'end pairings (or the organization’s own staff)');
      if (!command.reason.trim()) throw invalid('请说明结束原因 (a reason is required)');
      return [{ type: 'PairingEnded', data: { pairingId: state.id, term: term.term, reason: command.reason.trim(), endedAt: at } }];
    }
    case 'ExpirePairing': {
      if (actor.role !== 'system') throw forbidden('结对到期由平台处理 (only the platform expires pairings)');
      const term = requireCurrent(state, 'active', '只有生效的结对可以到期', 'only an active pairing can expire');
      if (term.endDate >= today(now)) throw conflict('结对尚未到期 (the term has not ended yet)');
      return [{ type: 'PairingExpired', data: { pairingId: state.id, term: term.term, expiredAt: at } }];
    }
  }
}

const closeCurrent = (state: PairingState, status: PairingStatus, at: string, reason: string | null): PairingState => ({
  ...state,
  terms: state.terms.map((t, i) => (i === state.terms.length - 1 ? { ...t, status, closedAt: at, closeReason: reason } : t)),
});

function evolve(state: PairingState, event: PairingEvent): PairingState {
  switch (event.type) {
    case 'PairingProposed': {
      const d = event.data;
      return {
        exists: true,
        id: d.pairingId,
        organizationId: d.organizationId,
        organizationName: d.organizationName,
        targetCode: d.targetCode,
        targetLevel: d.targetLevel,
        terms: [
          ...state.terms,
          { term: d.term, status: 'proposed', startDate: d.startDate, endDate: d.endDate, categories: d.categories, note: d.note, proposedAt: d.proposedAt, confirmedAt: null, closedAt: null, closeReason: null },
        ],
      };
    }
    case 'PairingConfirmed':
      return { ...state, terms: state.terms.map((t, i) => (i === state.terms.length - 1 ? { ...t, status: 'active', confirmedAt: event.data.confirmedAt } : t)) };
    case 'PairingDeclined':
      return closeCurrent(state, 'declined', event.data.declinedAt, event.data.reason);
    case 'PairingEnded':
      return closeCurrent(state, 'ended', event.data.endedAt, event.data.reason);
    case 'PairingExpired':
      return closeCurrent(state, 'expired', event.data.expiredAt, null);
  }
}

/** A pairing (结对) runs for years with its reports. Raise the snapshot version when PairingState or evolve changes. */
export const pairingDecider: Decider<PairingCommand, PairingState, PairingEvent> = { initialState: initialPairingState, decide, evolve, commutes: everyCommandCommutes, snapshot: { name: 'pairing', version: 1 } };

// ---------------------------------------------------------------------------------------------
// Key towns and villages (重点帮扶镇村), designated by bureau staff
// ---------------------------------------------------------------------------------------------

export type KeyAreaDesignated = DomainEvent<'KeyAreaDesignated', { code: string; level: 'town' | 'village'; note: string; designatedAt: string }>;
export type KeyAreaCommand = { type: 'DesignateKeyArea'; code: string; note: string };
export interface KeyAreaState {
  designated: boolean;
}

export const keyAreaDecider: Decider<KeyAreaCommand, KeyAreaState, KeyAreaDesignated> = {
  initialState: { designated: false },
  decide(command, state, { actor, now }) {
    requireBureauOver(actor, command.code, '认定重点帮扶镇村', 'designate key towns and villages');
    if (state.designated) throw conflict(`${command.code} 已是重点帮扶镇村 (already designated)`);
    return [{ type: 'KeyAreaDesignated', data: { code: command.code, level: command.code.length === 9 ? 'town' : 'village', note: command.note.trim(), designatedAt: now.toISOString() } }];
  },
  evolve: () => ({ designated: true }),
  commutes: everyCommandCommutes,
};
