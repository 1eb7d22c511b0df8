/** Deciding on the need itself: its lifecycle from draft to closed. */
import { Actor, conflict, invalid } from '@shecun/core';
import { NeedEvent, NeedFields } from './need.events';
import { NeedCommand, NeedState, acceptedQuantity, pendingQuantity, needStatus, NeedFieldsInput } from './need.state';
import { COORDINATOR, ENDED, requireRole, requireScope, today, checkFields, assignLineItemIds } from './need.rules';

/** What a decision knows besides the command and the state. */
export interface NeedDecision {
  actor: Actor;
  now: Date;
  /** `now` as ISO-8601, the time the events record. */
  at: string;
  needId: string;
}

export type NeedLifecycleCommand = Extract<NeedCommand, { type: 'DraftNeed' | 'PublishNeed' | 'ReviseNeed' | 'WithdrawNeed' | 'ExpireNeed' | 'FulfilNeed' | 'CloseNeed' }>;

/** Post, publish, revise, withdraw, expire, fulfil and close a need. */
export function decideNeedLifecycle(command: NeedLifecycleCommand, state: NeedState, { actor, now, at, needId }: NeedDecision): NeedEvent[] {
  switch (command.type) {
    case 'DraftNeed': {
      requireRole(actor, COORDINATOR, '发布需求 (post needs)');
      requireScope(actor, command.villageCode);
      if (state.exists) throw conflict('需求已存在 (a need with this id already exists)');
      checkFields(command);
      if (command.publish && command.dueDate && command.dueDate < today(now)) throw invalid('需求截止日期已过 (the due date has passed; a need cannot be published past it)');
      const fields: NeedFields = {
        title: command.title.trim(),
        description: command.description,
        category: command.category,
        lineItems: assignLineItemIds(command.lineItems, []),
        dueDate: command.dueDate,
        autoAccept: command.autoAccept,
      };
      const drafted: NeedEvent = { type: 'NeedDrafted', data: { needId: command.needId, villageCode: command.villageCode, ...fields, draftedAt: at } };
      return command.publish ? [drafted, { type: 'NeedPublished', data: { needId: command.needId, publishedAt: at } }] : [drafted];
    }
    case 'PublishNeed': {
      if (state.lifecycle !== 'draft') throw conflict(`需求状态为 ${needStatus(state)}，只有草稿可以发布 (only a draft can be published)`);
      if (state.fields.dueDate && state.fields.dueDate < today(now)) throw invalid('需求截止日期已过 (the due date has passed; revise it first)');
      return [{ type: 'NeedPublished', data: { needId, publishedAt: at } }];
    }
    case 'ReviseNeed': {
      if (ENDED.includes(state.lifecycle)) throw conflict(`需求已${needStatus(state)}，不能修改 (an ended need cannot be revised)`);
      if (!command.reason.trim()) throw invalid('请说明修改原因 (a reason is required)');
      const revised: NeedFieldsInput = {
        title: command.title ?? state.fields.title,
        description: command.description ?? state.fields.description,
        category: command.category ?? state.fields.category,
        lineItems: command.lineItems ?? state.fields.lineItems,
        dueDate: command.dueDate !== undefined ? command.dueDate : state.fields.dueDate,
        autoAccept: command.autoAccept ?? state.fields.autoAccept,
      };
      checkFields(revised);
      // Ids referenced by any commitment (even declined ones) are never handed to a new line item.
      const everUsed = [...state.fields.lineItems, ...state.commitments.flatMap((c) => c.items.map((i) => ({ id: i.lineItemId })))];
      const lineItems = assignLineItemIds(revised.lineItems, everUsed);
      if (state.lifecycle === 'published' && command.dueDate && command.dueDate < today(now)) {
        throw invalid('需求截止日期不能早于今天 (a published need cannot get a due date in the past)');
      }
      for (const old of state.fields.lineItems) {
        const kept = lineItems.find((li) => li.id === old.id);
        const taken = acceptedQuantity(state, old.id) + pendingQuantity(state, old.id);
        if (!kept && taken > 0) {
          throw conflict(`明细 ${old.id} 已有接单，不能删除 (line item ${old.id} has open commitments and cannot be removed)`);
        }
        if (kept && kept.quantity < acceptedQuantity(state, old.id)) {
          throw conflict(`明细 ${old.id} 数量不能少于已接单的 ${acceptedQuantity(state, old.id)} (cannot go below the accepted quantity)`);
        }
        if (kept && taken > 0 && (kept.kind !== old.kind || kept.unit !== old.unit)) {
          throw conflict(`明细 ${old.id} 已有接单，不能更改类型或单位 (cannot change the kind or unit of a line item with commitments)`);
        }
      }
      const fields: NeedFields = {
        title: revised.title.trim(),
        description: revised.description,
        category: revised.category,
        lineItems,
        dueDate: revised.dueDate,
        autoAccept: revised.autoAccept,
      };
      return [{ type: 'NeedRevised', data: { needId, ...fields, reason: command.reason, revisedAt: at } }];
    }
    case 'WithdrawNeed': {
      if (ENDED.includes(state.lifecycle)) throw conflict(`需求已${needStatus(state)}，不能撤回 (the need has ended)`);
      if (!command.reason.trim()) throw invalid('请说明撤回原因 (a reason is required)');
      if (state.commitments.some((c) => c.deliveries.length > 0)) {
        throw conflict('已有交付记录，请确认交付并完结需求 (deliveries are recorded; confirm them and fulfil the need instead)');
      }
      return [{ type: 'NeedWithdrawn', data: { needId, reason: command.reason, withdrawnAt: at } }];
    }
    case 'ExpireNeed': {
      if (needStatus(state) !== 'published') throw conflict('只有无人接单的已发布需求可以过期 (only a published need without accepted commitments can expire)');
      if (!state.fields.dueDate || state.fields.dueDate >= today(now)) throw conflict('需求未到截止日期 (the need is not past its due date)');
      return [{ type: 'NeedExpired', data: { needId, expiredAt: at } }];
    }
    case 'FulfilNeed': {
      if (state.lifecycle !== 'published') throw conflict(`需求状态为 ${needStatus(state)}，不能确认完成 (only an open need can be fulfilled)`);
      const deliveries = state.commitments.flatMap((c) => c.deliveries);
      if (!deliveries.some((d) => d.confirmedAt)) throw conflict('尚无已确认的交付 (no delivery has been confirmed yet)');
      if (deliveries.some((d) => !d.confirmedAt)) throw conflict('仍有交付待确认 (some deliveries still await confirmation)');
      return [{ type: 'NeedFulfilled', data: { needId, note: command.note, fulfilledAt: at } }];
    }
    case 'CloseNeed': {
      requireRole(actor, ['coordinator', 'bureau'], '关闭需求 (close needs)');
      requireScope(actor, state.villageCode);
      if (state.lifecycle !== 'fulfilled') throw conflict('只有已完成的需求可以关闭 (only a fulfilled need can be closed)');
      return [{ type: 'NeedClosed', data: { needId, note: command.note, closedAt: at } }];
    }
  }
}
