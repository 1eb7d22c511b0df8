import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '@shecun/event-store';
import { numberTransformer, Projection } from '@shecun/projections';
import { Column, Entity, EntityManager, Index, PrimaryColumn } from 'typeorm';
import { isTransfer } from './donation.model';
import { allocationVillage, confirmedOf, flowDecider, FlowEvent, FlowState, flowStatus, FLOW_EVENT_TYPES, initialFlowState, isFlowEvent, refundedOf, usedOf, valueOf, allocatedOf } from './flow.decider';
import { isFundEvent } from './fund.decider';
import { DONATION_ORGANIZATION_ENTITIES } from './organization-identifiers';
import { DONATION_PEOPLE_ENTITIES } from './people';

/** One row per donation flow: the figures the views filter and sum on, and the whole state. */
@Entity('donation_flows_view')
export class DonationFlowView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Index() @Column({ type: 'varchar', length: 64, nullable: true }) parentFlowId: string | null;
  @Column({ type: 'varchar', length: 20 }) donorKind: string;
  @Index() @Column({ type: 'varchar', length: 64, nullable: true }) donorOrganizationId: string | null;
  @Column({ type: 'varchar', length: 12 }) recipientKind: string;
  @Index() @Column({ type: 'varchar', length: 64 }) recipientId: string;
  @Index() @Column({ type: 'varchar', length: 64 }) recipientOrganizationId: string;
  @Index() @Column({ type: 'varchar', length: 12 }) recipientDivision: string;
  /** Villages its allocations serve, as ",code,code," for prefix and exact matching. */
  @Column({ type: 'text' }) villageCodes: string;
  /** Needs its allocations and uses serve, as ",id,id,". */
  @Column({ type: 'text' }) needIds: string;
  /** Organizations its allocations transfer to, as ",id,id,". */
  @Column({ type: 'text' }) transferOrganizationIds: string;
  @Index() @Column({ type: 'varchar', length: 12 }) status: string;
  @Index() @Column({ type: 'boolean' }) disclosed: boolean;
  @Column({ type: 'varchar', length: 40, nullable: true }) receivedAt: string | null;
  @Column({ type: 'bigint', transformer: numberTransformer }) receivedFen: number;
  @Column({ type: 'bigint', transformer: numberTransformer }) allocatedFen: number;
  @Column({ type: 'bigint', transformer: numberTransformer }) usedFen: number;
  @Column({ type: 'bigint', transformer: numberTransformer }) confirmedFen: number;
  @Index() @Column({ type: 'varchar', length: 40 }) updatedAt: string;
  @Column({ type: 'integer' }) revision: number;
  @Column({ type: 'text' }) state: string;
}

@Entity('donation_funds_view')
export class DonationFundView {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Index() @Column({ type: 'varchar', length: 64 }) holderOrganizationId: string;
  @Column({ type: 'varchar', length: 200 }) holderName: string;
  @Index() @Column({ type: 'varchar', length: 12 }) divisionCode: string;
  @Column({ type: 'text' }) purpose: string;
  @Column({ type: 'varchar', length: 40 }) establishedAt: string;
}

/**
 * Changes to figures already disclosed (信息公开更正): a refund, a returned allocation or a
 * corrected receipt on a disclosed flow, with the published figures before and after.
 */
@Entity('donation_corrections_view')
export class DonationCorrectionView {
  @PrimaryColumn({ type: 'bigint', transformer: numberTransformer }) position: number;
  @Index() @Column({ type: 'varchar', length: 64 }) flowId: string;
  @Index() @Column({ type: 'varchar', length: 64 }) organizationId: string;
  @Column({ type: 'text' }) needIds: string;
  @Column({ type: 'varchar', length: 30 }) kind: string;
  @Column({ type: 'text' }) reason: string;
  @Column({ type: 'varchar', length: 40 }) at: string;
  @Column({ type: 'text' }) before: string;
  @Column({ type: 'text' }) after: string;
}

/** Tables of the donations projection (emptied when it is rebuilt). */
export const DONATION_FLOW_ENTITIES = [DonationFlowView, DonationFundView, DonationCorrectionView];
/** Every read-model table of the donations context: its flows and its record of organizations' identifiers. */
export const DONATION_VIEW_ENTITIES = [...DONATION_FLOW_ENTITIES, ...DONATION_ORGANIZATION_ENTITIES, ...DONATION_PEOPLE_ENTITIES];

/** Disclosed figures of a flow, in fen of value. */
export const publishedFigures = (s: FlowState) => ({
  receivedFen: valueOf(s, s.received - refundedOf(s)),
  allocatedFen: valueOf(s, allocatedOf(s)),
  usedFen: valueOf(s, usedOf(s)),
  confirmedFen: valueOf(s, confirmedOf(s)),
});

const list = (values: (string | null)[]) => `,${[...new Set(values.filter((v): v is string => !!v))].join(',')},`;

export function flowRow(state: FlowState, revision: number, updatedAt: string): DonationFlowView {
  const figures = publishedFigures(state);
  const donor = state.donor;
  return Object.assign(new DonationFlowView(), {
    id: state.id,
    parentFlowId: state.parent?.flowId ?? null,
    donorKind: donor.kind,
    donorOrganizationId: donor.kind === 'organization' || donor.kind === 'member_unit' ? donor.organizationId : donor.kind === 'transfer' ? donor.from.organizationId : null,
    recipientKind: state.recipient.kind,
    recipientId: state.recipient.id,
    recipientOrganizationId: state.recipient.organizationId,
    recipientDivision: state.recipient.divisionCode,
    villageCodes: list(state.allocations.map(allocationVillage)),
    needIds: list([...state.allocations.map((a) => (a.target.kind === 'need' ? a.target.needId : null)), ...state.uses.map((u) => u.needId)]),
    transferOrganizationIds: list(state.allocations.map((a) => (isTransfer(a.target) ? a.target.party.organizationId : null))),
    status: flowStatus(state),
    disclosed: state.disclosedAt !== null,
    receivedAt: state.receivedAt,
    ...figures,
    updatedAt,
    revision,
    state: JSON.stringify(state),
  });
}

@Injectable()
export class DonationsProjection implements Projection {
  readonly name = 'donations';
  readonly eventTypes = [...FLOW_EVENT_TYPES, 'FundEstablished'];
  readonly entities = DONATION_FLOW_ENTITIES;
  /** A flow's row folds every event of its stream: one missing would show balances that silently miss a movement. */
  readonly onParked = 'stop' as const;

  async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
    if (isFundEvent(event)) {
      const d = event.data;
      await manager.save(DonationFundView, { id: d.fundId, name: d.name, holderOrganizationId: d.holderOrganizationId, holderName: d.holderName, divisionCode: d.divisionCode, purpose: d.purpose, establishedAt: d.establishedAt });
      return;
    }
    if (!isFlowEvent(event) || !event.streamName.startsWith('donation-')) return;
    const flowId = event.data.flowId;
    const row = await manager.findOneBy(DonationFlowView, { id: flowId });
    if (row && row.revision >= event.revision) return; // already applied
    const before: FlowState = row ? JSON.parse(row.state) : initialFlowState;
    const state = flowDecider.evolve(before, { type: event.type, data: event.data } as FlowEvent);
    await manager.save(DonationFlowView, flowRow(state, event.revision, event.metadata.occurredAt));
    const changesFigures = event.type === 'DonationRefunded' || event.type === 'AllocationReturned' || event.type === 'ReceiptCorrected';
    if (changesFigures && before.disclosedAt) {
      const reason = event.type === 'ReceiptCorrected' || event.type === 'DonationRefunded' || event.type === 'AllocationReturned' ? event.data.reason : '';
      await manager.save(DonationCorrectionView, {
        position: event.position,
        flowId,
        organizationId: state.recipient.organizationId,
        needIds: flowRow(state, 0, '').needIds,
        kind: event.type,
        reason,
        at: event.metadata.occurredAt,
        before: JSON.stringify(publishedFigures(before)),
        after: JSON.stringify(publishedFigures(state)),
      });
    }
  }
}
