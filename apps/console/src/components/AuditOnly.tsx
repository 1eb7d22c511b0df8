import { Alert } from 'antd';
import { ReactNode } from 'react';
import { useActor } from '../auth';
import { useI18n } from '../i18n';

/** The roles that may use the donation audit. */
export const AUDIT_ROLES = ['auditor', 'bureau', 'admin'];

/** The auditor's pages for those roles, a notice for everyone else. */
export function AuditOnly({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const actor = useActor();
  if (!actor.role || !AUDIT_ROLES.includes(actor.role)) return <Alert type="info" showIcon title={t('auditorsOnly')} />;
  return <>{children}</>;
}
