import { Category } from '@shecun/categories';
import { DomainEvent } from '@shecun/core';
import { needDecider } from './need.decider';
import { NeedEvent } from './need.events';
import { CommitmentStatus, LineItemKind, NeedStatus } from './need.model';
import { commitmentStatus, CommitmentState, initialNeedState, lackingQuantity, NeedState, needStatus, teamOf } from './need.state';

/**
 * A need as another context's read model may know it: published language of the needs context
 * (version 1). A consumer folds the need events it receives with {@link foldNeed} and reads the
 * facts with {@link needFactsOf}; what it keeps between events ({@link NeedFold}, stored as
 * {@link needFoldToJson}) is the needs context's own record, opaque to the consumer.
 */
export interface NeedFacts {
  needId: string;
  villageCode: string;
  title: string;
  category: Category;
  status: NeedStatus;
  /** Withdrawn, expired, fulfilled or closed: it takes nothing more. */
  ended: boolean;
  publishedAt: string | null;
  lineItems: Array<{ id: string; kind: LineItemKind; description: string; unit: string; quantity: number; lacking: number }>;
  commitments: CommitmentFacts[];
}

export interface CommitmentFacts {
  id: string;
  /** The holder, and every member of a team commitment who took a share. */
  participants: string[];
  status: CommitmentStatus;
  /** The date (China) the organization promised delivery by. */
  promisedBy: string;
  acceptedAt: string | null;
  /** When its last delivery was recorded, if any. */
  lastDeliveryAt: string | null;
}

/** What a consumer keeps between need events: opaque, made only by {@link foldNeed}. */
export type NeedFold = { readonly kind: 'need-fold' };

const ENDED: readonly string[] = ['withdrawn', 'expired', 'fulfilled', 'closed'];

/** The fold after one more need event (`fold` null for a need not seen before). */
export function foldNeed(fold: NeedFold | null, event: DomainEvent): NeedFold {
  const state = (fold as unknown as NeedState | null) ?? initialNeedState;
  return needDecider.evolve(state, event as NeedEvent) as unknown as NeedFold;
}

export const needFoldToJson = (fold: NeedFold): string => JSON.stringify(fold);
export const needFoldFromJson = (json: string): NeedFold => JSON.parse(json) as NeedFold;

const commitmentFacts = (c: CommitmentState): CommitmentFacts => ({
  id: c.id,
  participants: [...new Set([c.organizationId, ...(teamOf(c)?.members.map((m) => m.organizationId) ?? [])])],
  status: commitmentStatus(c),
  promisedBy: c.promisedBy,
  acceptedAt: c.acceptedAt,
  lastDeliveryAt: c.deliveries.reduce<string | null>((last, d) => (last === null || d.recordedAt > last ? d.recordedAt : last), null),
});

export function needFactsOf(fold: NeedFold): NeedFacts {
  const state = fold as unknown as NeedState;
  return {
    needId: state.id,
    villageCode: state.villageCode,
    title: state.fields.title,
    category: state.fields.category,
    status: needStatus(state),
    ended: ENDED.includes(state.lifecycle),
    publishedAt: state.publishedAt,
    lineItems: state.fields.lineItems.map((li) => ({ id: li.id, kind: li.kind, description: li.description, unit: li.unit, quantity: li.quantity, lacking: lackingQuantity(state, li) })),
    commitments: state.commitments.map(commitmentFacts),
  };
}
