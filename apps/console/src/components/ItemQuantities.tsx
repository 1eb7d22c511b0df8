import { Button, Form, InputNumber, Space, Typography } from 'antd';
import type { LineItem, Need } from '../api';
import { formatQuantity, unitLabel, yuanToFen } from '../hooks';
import { useI18n } from '../i18n';
import { KIND_LABELS } from '../labels';
import { FormProblem } from './ActionModal';

/**
 * A quantity input for a line item: yuan (2 decimals) for funds, whole units otherwise. It keeps
 * what was typed, even past `max`: the field's `atMostRule` says so instead of lowering it unseen.
 */
export function QuantityInput({ item, max: _max, ...props }: { item: LineItem; max: number; value?: number | null; onChange?: (v: number | null) => void; id?: string; 'data-testid'?: string }) {
  const { lang } = useI18n();
  const funds = item.kind === 'funds';
  return (
    <InputNumber
      {...props}
      style={{ width: '100%' }}
      min={0}
      precision={funds ? 2 : 0}
      step={funds ? 100 : 1}
      prefix={funds ? '¥' : undefined}
      suffix={funds ? undefined : unitLabel(item.unit, lang)}
      inputMode={funds ? 'decimal' : 'numeric'}
    />
  );
}

/** A form rule: at most `max` (in the API's terms: fen for funds) of `item`, said with both figures. */
export function useAtMostRule() {
  const { t, lang } = useI18n();
  return (item: LineItem, max: number) => ({
    validator: (_: unknown, value: number | null | undefined) =>
      typeof value !== 'number' || toQuantity(item, value) <= max
        ? Promise.resolve()
        : Promise.reject(new Error(t('overMax', { n: formatQuantity(item, max, lang), v: formatQuantity(item, toQuantity(item, value), lang) }))),
  });
}

/** A quantity entered for a line item in the API's terms: fen for funds, whole units otherwise. */
export const toQuantity = (item: LineItem, value: number) => (item.kind === 'funds' ? yuanToFen(value) : Math.round(value));

/** A quantity field (`qty`) for each of `items`, at most `maxOf` it, with a button to take all of that. */
export function ItemQuantities({ items, maxOf }: { items: LineItem[]; maxOf: (li: LineItem) => number }) {
  const { t, lang, pick } = useI18n();
  const form = Form.useFormInstance();
  const fieldPrefix = 'qty';
  const atMost = useAtMostRule();
  return (
    <div className="item-quantities">
      {items.map((li) => {
        const max = maxOf(li);
        return (
          <Form.Item
            key={li.id}
            // The label names the quantity input inside (the field's id, as the form gives it: qty_L1).
            htmlFor={`${fieldPrefix}_${li.id}`}
            label={
              <span>
                {li.id} · {li.description}{' '}
                <Typography.Text type="secondary">
                  {t('paren', { text: `${pick(KIND_LABELS[li.kind as keyof typeof KIND_LABELS] ?? [li.kind, li.kind])}${t('comma')}${t('atMost', { n: formatQuantity(li, max, lang) })}` })}
                </Typography.Text>
              </span>
            }
            required={false}
          >
            <Space.Compact style={{ width: '100%' }}>
              <Form.Item name={[fieldPrefix, li.id]} noStyle rules={[atMost(li, max)]}>
                <QuantityInput item={li} max={max} data-testid={`qty-${li.id}`} />
              </Form.Item>
              <Button onClick={() => form.setFieldValue([fieldPrefix, li.id], li.kind === 'funds' ? max / 100 : max)} data-testid={`all-${li.id}`}>
                {t('takeAll')}
              </Button>
            </Space.Compact>
          </Form.Item>
        );
      })}
    </div>
  );
}

/** The line items and quantities entered in the `qty` fields, in the API's terms; at least one. */
export function collectItems(need: Need, values: Record<string, number | null | undefined> | undefined) {
  const items = [];
  for (const li of need.lineItems) {
    const value = values?.[li.id];
    if (typeof value === 'number' && value > 0) items.push({ lineItemId: li.id, quantity: toQuantity(li, value) });
  }
  if (items.length === 0) throw new FormProblem('请至少填写一项明细的数量 (enter a quantity for at least one line item)');
  return items;
}
