import type { Need } from './api';
import type { Actor } from './auth';
import { formatQuantity } from './hooks';
import type { Lang } from './i18n';

/** The statuses of a need that is out and being worked on: published, committed (in part or whole), delivered. */
export const LIVE = ['published', 'partially_committed', 'fully_committed', 'delivered'];

/** A coordinator acts on the needs of the villages within their scope. */
export const coordinatesNeed = (actor: Actor, need: { villageCode: string }) => actor.role === 'coordinator' && (!actor.scope || need.villageCode.startsWith(actor.scope));

/**
 * Matching points as people read them, the same everywhere a score, a factor or a priority shows:
 * one decimal, none when whole (54.67 → 54.7, 55 → 55).
 */
export const formatPoints = (n: number) => String(Math.round(n * 10) / 10);

/** Quantities of a need's line items as text (`i × n` for an item the need does not have), joined by `sep`. */
export function itemsText(need: Need, items: Array<{ lineItemId: string; quantity: number }>, lang: Lang, sep: string) {
  return items
    .map((i) => {
      const li = need.lineItems.find((l) => l.id === i.lineItemId);
      return li ? `${li.description} ${formatQuantity(li, i.quantity, lang)}` : `${i.lineItemId} × ${i.quantity}`;
    })
    .join(sep);
}
