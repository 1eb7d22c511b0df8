import { Alert } from 'antd';
import type { ReactNode } from 'react';
import { describeError } from '../api';
import { useI18n } from '../i18n';

/** A failed request in the user's language; `extra` goes under the message (a retry hint…). */
export function ErrorAlert({ error, extra, action }: { error: unknown; extra?: ReactNode; action?: ReactNode }) {
  const { lang } = useI18n();
  if (!error) return null;
  const { message, technical } = describeError(error, lang);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="error-alert"
      title={message}
      description={
        technical || extra ? (
          <>
            {extra && <div>{extra}</div>}
            {technical && (
              <span className="text-secondary" style={{ fontSize: 12, wordBreak: 'break-word' }}>
                {technical}
              </span>
            )}
          </>
        ) : undefined
      }
      action={action}
      style={{ marginBottom: 16 }}
    />
  );
}
