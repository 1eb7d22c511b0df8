import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandResult, executeCommand, invalid, loadState, notFound } from '@shecun/core';
import { EVENT_STORE, EventStore } from '@shecun/event-store';
import { PublishedNeed, readPublishedNeed } from '@shecun/needs';
import { PublishedOrganization, readPublishedOrganization } from '@shecun/organizations';
import { RegionsService } from '@shecun/regions';
import { v5 as uuidv5 } from 'uuid';
import { AllocationTarget, Donor, flowStream, fundStream, Party, Resource } from './donation.model';
import { FlowCommand, flowDecider, FlowState, StandingInfo } from './flow.decider';
import { FundCommand, fundDecider, FundState } from './fund.decider';

const CHILD_FLOW_NAMESPACE = '2c9a4f1e-6b7d-5e8f-9a0b-1c2d3e4f5a6b';
/** A transfer's child flow id, derived from its parent flow and allocation: one child per allocation. */
export const childFlowId = (flowId: string, allocationId: string) => uuidv5(`${flowId}/${allocationId}`, CHILD_FLOW_NAMESPACE);

export interface PartyRef {
  kind: 'organization' | 'fund';
  id: string;
}

/** Flow commands as callers give them; the handler resolves organizations, funds and needs from their streams. */
export type FlowRequest =
  | { type: 'PledgeDonation'; donor: { kind: 'organization' | 'member_unit'; organizationId: string; name?: string } | { kind: 'individual' }; recipient: PartyRef; resource: Resource; amount: number; note: string }
  | { type: 'ReceiveTransfer'; parentFlowId: string; allocationId: string; receiptNumber: string; amount: number; receivedOn: string }
  | { type: 'AllocateDonation'; allocationId: string; target: { kind: 'need'; needId: string; teamId?: string } | { kind: 'village'; villageCode: string; project: string } | PartyRef; amount: number; note: string }
  | { type: 'RecordUse'; useId: string; allocationId: string; needId?: string; amount: number; evidence: Extract<FlowCommand, { type: 'RecordUse' }>['evidence']; usedOn: string; note: string }
  | Extract<FlowCommand, { type: 'ReceiveDonation' | 'ReturnAllocation' | 'AddUseEvidence' | 'ConfirmUse' | 'DiscloseDonation' | 'RefundDonation' | 'CorrectReceipt' }>;

export class ExecuteFlowCommand {
  constructor(
    /** The flow's id (for PledgeDonation the new flow's id; ignored for ReceiveTransfer, whose id derives from the parent). */
    readonly flowId: string,
    readonly request: FlowRequest,
    readonly context: CommandContext,
    readonly at?: Date,
  ) {}
}

export class ExecuteFundCommand {
  constructor(
    readonly fundId: string,
    readonly request: { type: 'EstablishFund'; holderOrganizationId: string; name: string; purpose: string },
    readonly context: CommandContext,
    readonly at?: Date,
  ) {}
}

/**
 * Reads organizations and needs (their contexts' published readers), funds and flows from their
 * own streams: consistent, no read-model lag.
 */
class Streams {
  constructor(private readonly store: EventStore) {}

  organization(id: string): Promise<PublishedOrganization> {
    return readPublishedOrganization(this.store, id);
  }

  fund(id: string): Promise<FundState> {
    return loadState(this.store, fundStream(id), fundDecider);
  }

  flow(id: string): Promise<FlowState> {
    return loadState(this.store, flowStream(id), flowDecider);
  }

  async need(id: string): Promise<PublishedNeed> {
    const need = await readPublishedNeed(this.store, id);
    // A draft is not yet a need anyone can give to.
    if (!need.exists || need.lifecycle === 'draft') throw notFound(`需求 ${id} 不存在或尚未发布 (need ${id} not found or not published)`);
    return need;
  }

  async party(ref: PartyRef): Promise<Party> {
    if (ref.kind === 'fund') {
      const fund = await this.fund(ref.id);
      if (!fund.exists) throw notFound(`专项基金 ${ref.id} 不存在 (fund ${ref.id} not found)`);
      return { kind: 'fund', id: fund.id, name: fund.name, organizationId: fund.holderOrganizationId, divisionCode: fund.divisionCode };
    }
    const org = await this.organization(ref.id);
    if (!org.exists) throw notFound(`社会组织 ${ref.id} 未登记 (organization ${ref.id} not registered)`);
    return { kind: 'organization', id: org.organizationId, name: org.name, organizationId: org.organizationId, divisionCode: org.homeDivisionCode };
  }
}

@CommandHandler(ExecuteFlowCommand)
export class ExecuteFlowCommandHandler implements ICommandHandler<ExecuteFlowCommand, CommandResult<FlowState>> {
  private readonly streams: Streams;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly regions: RegionsService,
  ) {
    this.streams = new Streams(store);
  }

  private async resolve(flowId: string, request: FlowRequest): Promise<{ flowId: string; command: FlowCommand }> {
    switch (request.type) {
      case 'PledgeDonation': {
        const recipient = await this.streams.party(request.recipient);
        let donor: Donor = { kind: 'individual' };
        let donorStanding: StandingInfo | null = null;
        const given = request.donor;
        if (given.kind !== 'individual') {
          const org = await this.streams.organization(given.organizationId);
          donorStanding = { exists: org.exists, standing: org.standing };
          if (!org.exists) throw notFound(`捐赠方社会组织 ${given.organizationId} 未登记 (donor organization not registered)`);
          if (given.kind === 'organization') {
            donor = { kind: 'organization', organizationId: org.organizationId, name: org.name };
          } else {
            const unit = org.memberUnits.find((name) => name === given.name);
            if (!unit) throw invalid(`${given.name ?? ''} 不是 ${org.name} 的会员单位 (not a member unit of ${org.name})`);
            donor = { kind: 'member_unit', organizationId: org.organizationId, name: unit };
          }
        }
        return { flowId, command: { type: 'PledgeDonation', flowId, donor, donorStanding, recipient, resource: request.resource, amount: request.amount, note: request.note } };
      }
      case 'ReceiveTransfer': {
        const parent = await this.streams.flow(request.parentFlowId);
        if (!parent.exists) throw notFound(`捐赠 ${request.parentFlowId} 不存在 (donation not found)`);
        const child = childFlowId(parent.id, request.allocationId);
        return { flowId: child, command: { type: 'ReceiveTransfer', flowId: child, parent, allocationId: request.allocationId, receiptNumber: request.receiptNumber, amount: request.amount, receivedOn: request.receivedOn } };
      }
      case 'AllocateDonation': {
        const t = request.target;
        let target: AllocationTarget;
        let child: string | null = null;
        if (t.kind === 'need') {
          const need = await this.streams.need(t.needId);
          target = { kind: 'need', needId: need.needId, villageCode: need.villageCode, title: need.title, ...(t.teamId ? { teamId: t.teamId } : {}) };
        } else if (t.kind === 'village') {
          if (!this.regions.isVillage(t.villageCode)) throw invalid(`${t.villageCode} 不是广东省的村/社区 (not a known Guangdong village code)`);
          target = { kind: 'village', villageCode: t.villageCode, project: t.project };
        } else {
          target = { kind: t.kind, party: await this.streams.party(t) };
          child = childFlowId(flowId, request.allocationId);
        }
        return { flowId, command: { type: 'AllocateDonation', allocationId: request.allocationId, target, amount: request.amount, note: request.note, childFlowId: child } };
      }
      case 'RecordUse': {
        const need = request.needId ? await this.streams.need(request.needId) : null;
        const { needId: _needId, ...rest } = request;
        return { flowId, command: { ...rest, need: need ? { needId: need.needId, villageCode: need.villageCode } : null } };
      }
      default:
        return { flowId, command: request };
    }
  }

  async execute({ flowId, request, context, at }: ExecuteFlowCommand): Promise<CommandResult<FlowState>> {
    const resolved = await this.resolve(flowId, request);
    return executeCommand(this.store, flowStream(resolved.flowId), flowDecider, { ...context, command: resolved.command }, at ? { clock: () => at } : {});
  }
}

@CommandHandler(ExecuteFundCommand)
export class ExecuteFundCommandHandler implements ICommandHandler<ExecuteFundCommand, CommandResult<FundState>> {
  private readonly streams: Streams;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    this.streams = new Streams(store);
  }

  async execute({ fundId, request, context, at }: ExecuteFundCommand): Promise<CommandResult<FundState>> {
    const org = await this.streams.organization(request.holderOrganizationId);
    const command: FundCommand = {
      type: 'EstablishFund',
      fundId,
      name: request.name,
      purpose: request.purpose,
      holder: {
        organizationId: request.holderOrganizationId,
        name: org.name,
        divisionCode: org.homeDivisionCode,
        exists: org.exists,
        standing: org.standing,
        mayHoldFunds: org.type === 'foundation' || org.hubKind !== null,
      },
    };
    return executeCommand(this.store, fundStream(fundId), fundDecider, { ...context, command }, at ? { clock: () => at } : {});
  }
}
