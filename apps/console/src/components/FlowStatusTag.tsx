import { Tag } from 'antd';
import { FLOW_STATUS_COLORS, FLOW_STATUS_LABELS } from '../donations';
import { useI18n } from '../i18n';
import { label } from '../labels';

/** A flow's id, shortened for tables (the full id is in the link's title). */
export const shortId = (id: string) => (id.length > 13 ? `${id.slice(0, 8)}…` : id);

/** A donation flow's status (pledged, received, allocated…) as a coloured tag. */
export function FlowStatusTag({ status }: { status: string }) {
  const { lang } = useI18n();
  return (
    <Tag color={FLOW_STATUS_COLORS[status] ?? 'default'} data-testid="flow-status">
      {label(FLOW_STATUS_LABELS, status, lang)}
    </Tag>
  );
}
