/** How a donation flow is shown: the flow as the API gives it, and the evidence files public on its uses. */
import { isTransfer } from './donation.model';
import { publishedFigures } from './donation.projection';
import { availableOf, confirmedOf, FlowState, flowStatus, netAllocation, refundedOf, usedOf, usedOn, valueOf, allocatedOf } from './flow.decider';

/** The files marked public on a flow's uses. */
export const publicFilesOf = (s: FlowState) => s.uses.flatMap((u) => u.evidence.flatMap((e) => (e.file && e.file.visibility === 'public' ? [{ use: u, kind: e.kind, file: e.file }] : [])));

/**
 * Evidence files marked public on a flow's uses, as the disclosure lists them (download:
 * /api/disclosure/donations/{flowId}/evidence/{sha256}); without the uploader, a person.
 */
export function publicEvidenceOf(s: FlowState) {
  return publicFilesOf(s).map(({ use, kind, file }) => ({
    flowId: s.id, useId: use.id, needId: use.needId, usedOn: use.usedOn, kind, sha256: file.sha256, mediaType: file.mediaType, size: file.size, thumbnail: file.thumbnail ?? null,
  }));
}

const unitOf = (s: FlowState) => (s.resource.kind === 'money' ? '分' : s.resource.unit);

/** A flow as the API shows it: parties, resource, figures in its unit and in fen of value, allocations and uses. */
export function presentFlow(s: FlowState) {
  return {
    id: s.id,
    status: flowStatus(s),
    parentFlowId: s.parent?.flowId ?? null,
    parentAllocationId: s.parent?.allocationId ?? null,
    donor: s.donor,
    recipient: s.recipient,
    resource: s.resource,
    unit: unitOf(s),
    pledged: s.pledged,
    received: s.received,
    refunded: refundedOf(s),
    allocated: allocatedOf(s),
    available: availableOf(s),
    used: usedOf(s),
    confirmed: confirmedOf(s),
    figures: publishedFigures(s),
    receiptNumber: s.receiptNumber,
    receivedOn: s.receivedOn,
    pledgedAt: s.pledgedAt,
    receivedAt: s.receivedAt,
    disclosedAt: s.disclosedAt,
    allocations: s.allocations.map((a) => ({ ...a, net: netAllocation(a), used: isTransfer(a.target) ? null : usedOn(s, a.id), valueFen: valueOf(s, netAllocation(a)) })),
    uses: s.uses,
    refunds: s.refunds,
    corrections: s.corrections,
    ledger: { events: s.version, lastHash: s.lastHash },
  };
}
