/**
 * Donated money in a region by the counting rules (counting.ts), from the donations read model,
 * and the events in the flows' streams each counted part stands for: what the bureau's dashboard
 * (the monitoring context) asks of this context, without reading its tables or state.
 */
import { EventStore, RecordedEvent } from '@shecun/event-store';
import { DataSource, In } from 'typeorm';
import { countMoney, MoneyPart, partInRegion, SourceRef } from './counting';
import { flowStream } from './donation.model';
import { DonationFlowView } from './donation.projection';
import { FlowState } from './flow.decider';

/** The event types a source reference stands for, and how each changes the amount (in the flow's unit). */
const matchesRef = (ref: SourceRef, e: RecordedEvent): boolean => {
  const d = e.data as { allocationId?: string; useId?: string };
  switch (ref.kind) {
    case 'receipt': return ['DonationReceived', 'TransferReceived', 'DonationRefunded', 'ReceiptCorrected'].includes(e.type);
    case 'allocation': return (e.type === 'DonationAllocated' || e.type === 'AllocationReturned') && d.allocationId === ref.itemId;
    case 'use': return (e.type === 'DonationUsed' || e.type === 'UseEvidenceAdded') && d.useId === ref.itemId;
    case 'confirmation': return e.type === 'UseConfirmed' && d.useId === ref.itemId;
  }
};
export const signedAmount = (e: RecordedEvent): number => {
  const d = e.data as { amount?: number; from?: { amount: number }; to?: { amount: number } };
  if (e.type === 'ReceiptCorrected') return (d.to?.amount ?? 0) - (d.from?.amount ?? 0);
  if (e.type === 'DonationRefunded' || e.type === 'AllocationReturned') return -(d.amount ?? 0);
  return d.amount ?? 0;
};

/** Counted parts of donated money, and the unit each flow counts in ('分' for money). */
export interface MoneyInRegion {
  parts: MoneyPart[];
  unitOf(flowId: string): string;
}

/**
 * The counted parts of donated money in a region (`regionCode`): for the province (`rootCode`)
 * every flow (so the unallocated parts are known); for a smaller region the flows allocating to
 * its villages and their ancestors up to the gifts.
 */
export async function moneyInRegion(dataSource: DataSource, regionCode: string, rootCode: string): Promise<MoneyInRegion> {
  const repo = dataSource.getRepository(DonationFlowView);
  const region = { code: regionCode };
  const province = region.code === rootCode;
  const rows = province
    ? await repo.createQueryBuilder('f').select(['f.id', 'f.state']).getMany()
    : await repo.createQueryBuilder('f').select(['f.id', 'f.state']).where('f.villageCodes LIKE :v', { v: `%,${region.code}%` }).getMany();
  const states = new Map<string, FlowState>(rows.map((r) => [r.id, JSON.parse(r.state) as FlowState]));
  for (let missing = [...states.values()]; !province && missing.length > 0; ) {
    const parents = [...new Set(missing.map((s) => s.parent?.flowId).filter((id): id is string => !!id && !states.has(id)))];
    missing = [];
    for (let i = 0; i < parents.length; i += 500) {
      for (const r of await repo.find({ select: ['id', 'state'], where: { id: In(parents.slice(i, i + 500)) } })) {
        const state = JSON.parse(r.state) as FlowState;
        states.set(r.id, state);
        missing.push(state);
      }
    }
  }
  const parts = countMoney(states.values(), { complete: province }).filter((p) => partInRegion(p, region.code, rootCode));
  const unitOf = (flowId: string) => {
    const resource = states.get(flowId)?.resource;
    return !resource || resource.kind === 'money' ? '分' : resource.unit;
  };
  return { parts, unitOf };
}

/** The events that make each part, in the flows' streams read from the event store (each stream once). */
export async function eventsOfParts(store: EventStore, parts: MoneyPart[]): Promise<RecordedEvent[][]> {
  const streams = new Map<string, RecordedEvent[]>();
  const eventsOf = async (flowId: string) => {
    let events = streams.get(flowId);
    if (!events) streams.set(flowId, (events = await store.readStream(flowStream(flowId))));
    return events;
  };
  const eventsOfPart: RecordedEvent[][] = [];
  for (const part of parts) {
    const events: RecordedEvent[] = [];
    for (const ref of part.sources) {
      for (const e of await eventsOf(ref.flowId)) if (matchesRef(ref, e) && !events.includes(e)) events.push(e);
    }
    eventsOfPart.push(events);
  }
  return eventsOfPart;
}
