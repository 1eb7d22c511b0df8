import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Divider, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount, useAuth } from '../auth';
import { ErrorAlert } from '../components/common';
import { useI18n } from '../i18n';
import { ROLE_LABELS } from '../labels';

interface Credentials {
  username: string;
  password: string;
}

/** Sign-in: username and password (POST /api/auth/login), with a quick pick of the demo's accounts. */
export function Login({ overlay = false }: { overlay?: boolean }) {
  const { t, pick } = useI18n();
  const { login, session } = useAuth();
  const [form] = Form.useForm<Credentials>();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);

  const submit = async ({ username, password }: Credentials) => {
    setError(undefined);
    setPending(true);
    try {
      await login(username.trim(), password);
    } catch (failure) {
      setError(failure);
      form.setFieldValue('password', '');
    } finally {
      setPending(false);
    }
  };

  const quickPick = (account: DemoAccount) => {
    form.setFieldsValue({ username: account.username, password: DEMO_PASSWORD });
    void submit({ username: account.username, password: DEMO_PASSWORD });
  };

  return (
    <div className={overlay ? 'login login-overlay' : 'login'} data-testid="login">
      <Card className="login-card">
        <div className="login-brand">
          <span className="brand-mark">村</span>
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('brand')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('brandSub')}</Typography.Text>
          </div>
        </div>
        {overlay && <Alert type="warning" showIcon title={t('sessionExpired')} style={{ marginBottom: 16 }} />}
        <Form<Credentials> form={form} layout="vertical" onFinish={submit} requiredMark={false} initialValues={{ username: overlay ? session?.user.username : undefined }}>
                <Form.Item name="username" label={t('username')} rules={[{ required: true, whitespace: true, message: t('usernameRequired') }]}>
                  <Input prefix={<UserOutlined />} autoComplete="username" size="large" data-testid="login-username" />
                </Form.Item>
                <Form.Item name="password" label={t('password')} rules={[{ required: true, message: t('passwordRequired') }]}>
                  <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" data-testid="login-password" />
                </Form.Item>
                <ErrorAlert error={error} />
                <Button type="primary" htmlType="submit" size="large" block loading={pending} data-testid="login-submit">
                  {t('login')}
                </Button>
              </Form>
            <Divider plain>{t('demoAccounts')}</Divider>
            <Typography.Paragraph type="secondary" className="small">
              {t('demoAccountsNote', { password: DEMO_PASSWORD })}
            </Typography.Paragraph>
            <div className="demo-accounts">
              {DEMO_ACCOUNTS.map((account) => (
                <Button key={account.username} onClick={() => quickPick(account)} disabled={pending} data-testid={`demo-${account.username}`} className="demo-account">
                  <span className="demo-account-role">{pick(ROLE_LABELS[account.role])}</span>
                  <span className="demo-account-name">{pick(account.who)}</span>
                </Button>
              ))}
            </div>
      </Card>
    </div>
  );
}
