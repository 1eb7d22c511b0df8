import { Typography } from 'antd';
import type { TraceEvent } from '../donations';
import { useI18n } from '../i18n';
import { label, ROLE_LABELS } from '../labels';

/** A user id short enough to read beside a name (the whole id on hover). */
const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

/**
 * Who did a step of a trace, as an auditor reads it: the role, the person's name and the
 * organization's name, each id beside its name in secondary text (the whole id on hover).
 */
export function TraceActor({ actor }: { actor: TraceEvent['actor'] }) {
  const { t, lang } = useI18n();
  return (
    <span data-testid="trace-actor">
      {label(ROLE_LABELS, actor.role, lang)}
      {' · '}
      {actor.name ? (
        <>
          <span data-testid="trace-actor-name">{actor.name}</span>{' '}
          <Typography.Text type="secondary" className="small mono" title={actor.id}>
            {t('paren', { text: t('personId', { id: shortId(actor.id) }) })}
          </Typography.Text>
        </>
      ) : (
        <span className="mono" title={actor.id}>
          {shortId(actor.id)}
        </span>
      )}
      {actor.organizationId && (
        <>
          {' · '}
          {actor.organizationName ? (
            <>
              <span data-testid="trace-actor-organization">{actor.organizationName}</span>{' '}
              <Typography.Text type="secondary" className="small mono" title={actor.organizationId}>
                {t('paren', { text: t('organizationIdOf', { id: actor.organizationId }) })}
              </Typography.Text>
            </>
          ) : (
            <span className="mono">{actor.organizationId}</span>
          )}
        </>
      )}
    </span>
  );
}
