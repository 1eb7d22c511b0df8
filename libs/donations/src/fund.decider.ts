import { conflict, Decider, DomainEvent, everyCommandCommutes, forbidden, invalid, notFound, withinScope } from '@shecun/core';
import { fundStream } from './donation.model';
import { StandingInfo } from './flow.decider';
import { Seal, sealedBy, sealEvents } from './ledger';

/**
 * A special fund (专项基金) held by a foundation or a hub organization: it receives donations and
 * allocates onward like an organization, under its holder's staff. Sealed into the ledger too.
 */
export interface FundHolder extends StandingInfo {
  organizationId: string;
  name: string;
  divisionCode: string;
  /** Foundations (基金会) and hub organizations / industry associations may hold funds. */
  mayHoldFunds: boolean;
}

export type FundEstablished = DomainEvent<
  'FundEstablished',
  { fundId: string; name: string; holderOrganizationId: string; holderName: string; divisionCode: string; purpose: string; establishedAt: string; ledger?: Seal }
>;
export type FundEvent = FundEstablished;
export const isFundEvent = (e: { type: string }): e is FundEvent => e.type === 'FundEstablished';

export type FundCommand = { type: 'EstablishFund'; fundId: string; name: string; purpose: string; holder: FundHolder };

export interface FundState {
  exists: boolean;
  id: string;
  name: string;
  holderOrganizationId: string;
  holderName: string;
  divisionCode: string;
  purpose: string;
  establishedAt: string | null;
  version: number;
  lastHash: string | null;
}

export const initialFundState: FundState = { exists: false, id: '', name: '', holderOrganizationId: '', holderName: '', divisionCode: '', purpose: '', establishedAt: null, version: 0, lastHash: null };

export const fundDecider: Decider<FundCommand, FundState, FundEvent> = {
  initialState: initialFundState,
  decide(command, state, { actor, now }) {
    const { holder } = command;
    const own = (actor.role === 'organization' || actor.role === 'hub') && actor.organizationId === holder.organizationId;
    const bureau = actor.role === 'bureau' && withinScope(holder.divisionCode, actor.scope);
    if (!own && !bureau && actor.role !== 'system') throw forbidden('专项基金由持有机构的工作人员或辖区民政部门设立 (a fund is set up by its holder’s staff or bureau staff within scope)');
    if (!holder.exists) throw notFound(`社会组织 ${holder.organizationId} 未登记 (organization not registered)`);
    if (!holder.mayHoldFunds) throw invalid('只有基金会或枢纽型社会组织、行业协会商会可以设立专项基金 (only a foundation or a hub organization may hold a fund)');
    if (holder.standing !== 'normal') throw forbidden(`${holder.name} 不在正常状态，不能设立专项基金 (an organization not in normal standing may not set up a fund)`);
    if (state.exists) throw conflict(`专项基金 ${command.fundId} 已存在 (fund already exists)`);
    const event: FundEstablished = {
      type: 'FundEstablished',
      data: { fundId: command.fundId, name: command.name, holderOrganizationId: holder.organizationId, holderName: holder.name, divisionCode: holder.divisionCode, purpose: command.purpose, establishedAt: now.toISOString() },
    };
    return sealEvents(fundStream(command.fundId), state, [event], sealedBy(actor, now));
  },
  evolve(state, event) {
    const d = event.data;
    return { exists: true, id: d.fundId, name: d.name, holderOrganizationId: d.holderOrganizationId, holderName: d.holderName, divisionCode: d.divisionCode, purpose: d.purpose, establishedAt: d.establishedAt, version: state.version + 1, lastHash: d.ledger?.hash ?? null };
  },
  commutes: everyCommandCommutes,
};
