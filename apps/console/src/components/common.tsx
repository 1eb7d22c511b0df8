import { Tag } from 'antd';
import { startTransition, useEffect, useState, type ReactNode } from 'react';
import { formatDate, formatDateTime, placeName, useDivision } from '../hooks';
import type { Pairing } from '../pairings';
import { useI18n } from '../i18n';
import {
  CATEGORY_LABELS,
  COMMITMENT_STATUS_COLORS,
  COMMITMENT_STATUS_LABELS,
  CommitmentStatus,
  label,
  LINE_ITEM_STATUS_COLORS,
  LINE_ITEM_STATUS_LABELS,
  LineItemStatus,
  NEED_STATUS_COLORS,
  NEED_STATUS_LABELS,
  NeedStatus,
} from '../labels';

export { ErrorAlert } from './ErrorAlert';

export function NeedStatusTag({ status }: { status: string }) {
  const { lang } = useI18n();
  return (
    <Tag color={NEED_STATUS_COLORS[status as NeedStatus] ?? 'default'} data-testid="need-status">
      {label(NEED_STATUS_LABELS, status, lang)}
    </Tag>
  );
}

export function LineItemStatusTag({ status }: { status: string }) {
  const { lang } = useI18n();
  return <Tag color={LINE_ITEM_STATUS_COLORS[status as LineItemStatus] ?? 'default'}>{label(LINE_ITEM_STATUS_LABELS, status, lang)}</Tag>;
}

export function CommitmentStatusTag({ status }: { status: string }) {
  const { lang } = useI18n();
  return (
    <Tag color={COMMITMENT_STATUS_COLORS[status as CommitmentStatus] ?? 'default'} data-testid="commitment-status">
      {label(COMMITMENT_STATUS_LABELS, status, lang)}
    </Tag>
  );
}

export function CategoryTag({ category }: { category: string }) {
  const { lang } = useI18n();
  return <Tag variant="filled">{label(CATEGORY_LABELS, category, lang)}</Tag>;
}

/** The village's names from the city down, looked up from its division code. */
export function Place({ code }: { code: string }) {
  const division = useDivision(code);
  return <span>{placeName(division) || code}</span>;
}

export function PageTitle({ title, intro, extra }: { title: ReactNode; intro?: ReactNode; extra?: ReactNode }) {
  return (
    <div className="page-title">
      <div className="page-title-text">
        <h3 className="page-heading">{title}</h3>
        {intro && <p className="page-intro">{intro}</p>}
      </div>
      {extra && <div className="page-title-extra">{extra}</div>}
    </div>
  );
}

/** A pairing's term and when it was proposed. */
export function PairingMeta({ pairing }: { pairing: Pick<Pairing, 'startDate' | 'endDate' | 'proposedAt'> }) {
  const { t } = useI18n();
  return (
    <div className="need-card-meta">
      <span>{t('pairingTerm', { from: formatDate(pairing.startDate), to: formatDate(pairing.endDate) })}</span>
      <span>
        {t('proposedAt')}
        {t('colon')}
        {formatDateTime(pairing.proposedAt)}
      </span>
    </div>
  );
}

/**
 * Parts of a long page rendered just after the rest: the page's first screen (the need form's first
 * two sections) takes typing sooner on a slow phone, and the parts below follow a moment later.
 */
export function AfterFirstPaint({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState(false);
  useEffect(() => startTransition(() => setShown(true)), []);
  return shown ? <>{children}</> : null;
}
