import { DataSource, In } from 'typeorm';
import { LineItemView } from './need.projection';

export interface LackingItem {
  lineItemId: string;
  kind: string;
  description: string;
  unit: string;
  quantity: number;
  lacking: number;
}

/**
 * What the given needs still lack, line item by line item (quantity asked for minus what accepted
 * commitments cover, as the needs context counts it), from the needs read model: the needs
 * context's published reader for other contexts' reports. Line items lacking nothing are left out.
 */
export async function lackingItemsOf(dataSource: DataSource, needIds: readonly string[]): Promise<Map<string, LackingItem[]>> {
  const out = new Map<string, LackingItem[]>();
  if (needIds.length === 0) return out;
  const rows = await dataSource.getRepository(LineItemView).find({ where: { needId: In([...needIds]) }, order: { needId: 'ASC', lineItemId: 'ASC' } });
  for (const r of rows) {
    if (Number(r.lacking) <= 0) continue;
    const list = out.get(r.needId) ?? [];
    list.push({ lineItemId: r.lineItemId, kind: r.kind, description: r.description, unit: r.unit, quantity: Number(r.quantity), lacking: Number(r.lacking) });
    out.set(r.needId, list);
  }
  return out;
}
