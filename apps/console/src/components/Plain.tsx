import { Button } from 'antd';
import { useI18n } from '../i18n';

/*
 * Small parts of a page drawn in Ant Design's look with plain HTML (styles.css), where its own
 * component would bring much more than it shows to a page every coordinator opens first: its badge
 * brings the ribbon and the scrolling numbers, its pagination the page-size select.
 */

/** A count beside a title, in the look of Ant Design's badge; read as part of the title. */
export function CountBadge({ count }: { count: number }) {
  return <span className="count-badge">{count}</span>;
}

/** The previous and next page of a list, and which page of how many is shown. */
export function Pager({ current, pages, onChange }: { current: number; pages: number; onChange: (page: number) => void }) {
  const { t } = useI18n();
  return (
    <nav className="plain-pager" aria-label={t('pages')}>
      <Button size="small" type="text" disabled={current <= 1} onClick={() => onChange(current - 1)} aria-label={t('pagePrevious')} data-testid="pager-previous">
        ‹
      </Button>
      <span className="plain-pager-where" aria-live="polite">
        {t('pageOf', { page: current, pages })}
      </span>
      <Button size="small" type="text" disabled={current >= pages} onClick={() => onChange(current + 1)} aria-label={t('pageNext')} data-testid="pager-next">
        ›
      </Button>
    </nav>
  );
}
