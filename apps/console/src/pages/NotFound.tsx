import { Result } from 'antd';
import { Link } from 'react-router';
import { useI18n } from '../i18n';

/** An address the console does not have (its picture is heavy: it loads only here). */
export function NotFound() {
  const { t } = useI18n();
  return <Result status="404" title="404" extra={<Link to="/">{t('navHome')}</Link>} />;
}
