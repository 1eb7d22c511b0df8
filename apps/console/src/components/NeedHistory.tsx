import { Timeline } from 'antd';
import type { Need, NeedEvent } from '../api';
import { formatDateTime } from '../hooks';
import { Lang, useI18n } from '../i18n';
import { EVENT_LABELS, label, ROLE_LABELS } from '../labels';
import { itemsText } from '../needs';

function eventDetails(event: NeedEvent, need: Need, lang: Lang, t: ReturnType<typeof useI18n>['t']): string {
  const d = event.data as Record<string, unknown>;
  const sep = t('comma');
  switch (event.type) {
    case 'NeedDrafted':
    case 'NeedRevised':
      return [d.title as string, d.reason ? `${t('reason')}${t('colon')}${d.reason}` : ''].filter(Boolean).join(sep);
    case 'CommitmentOffered':
      return `${d.organizationName}${t('colon')}${itemsText(need, (d.items as never[]) ?? [], lang, sep)}${sep}${t('promisedBy')} ${d.promisedBy}`;
    case 'CommitmentAccepted':
      return d.automatic ? (lang === 'zh' ? '自动接受（符合缺口）' : 'accepted automatically (fits what is lacking)') : '';
    case 'DeliveryRecorded':
      return `${itemsText(need, (d.items as never[]) ?? [], lang, sep)}${sep}${t('evidence')} ${(d.evidence as unknown[] | undefined)?.length ?? 0}`;
    default:
      return [d.reason ? `${t('reason')}${t('colon')}${d.reason}` : '', d.note ? `${t('note')}${t('colon')}${d.note}` : ''].filter(Boolean).join(sep);
  }
}

/** A need's events, each with who acted, in which role, and when. */
export function NeedHistory({ need, events }: { need: Need; events: NeedEvent[] }) {
  const { t, lang } = useI18n();
  const actorText = (e: NeedEvent) => {
    const role = label(ROLE_LABELS, e.actor.role, lang);
    const org = e.actor.organizationId && (need.commitments.find((c) => c.organizationId === e.actor.organizationId)?.organizationName ?? e.actor.organizationId);
    // User ids are long (UUIDs): the first 8 characters tell people apart; the API has them whole.
    const who = e.actor.id.length > 12 ? e.actor.id.slice(0, 8) : e.actor.id;
    return `${role}${org ? t('paren', { text: org }) : ''} · ${who}`;
  };
  return (
    <Timeline
      data-testid="history"
      items={events.map((e) => ({
        key: e.revision,
        color: e.type.includes('Declined') || e.type.includes('Withdrawn') || e.type.includes('Expired') ? 'gray' : e.type.startsWith('Delivery') || e.type === 'NeedFulfilled' ? 'green' : 'blue',
        content: (
          <div className="history-content">
            <div className="history-title" data-testid="history-event">
              {label(EVENT_LABELS, e.type, lang)}
            </div>
            <div className="small">
              {formatDateTime(e.occurredAt)} · {t('by')} {actorText(e)}
            </div>
            {eventDetails(e, need, lang, t) && <div className="small secondary">{eventDetails(e, need, lang, t)}</div>}
          </div>
        ),
      }))}
    />
  );
}
