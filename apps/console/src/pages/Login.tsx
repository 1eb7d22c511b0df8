import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Divider, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount, PasswordChange, useAuth } from '../auth';
import { ErrorAlert } from '../components/ErrorAlert';
import { useI18n } from '../i18n';
import { ROLE_LABELS } from '../labels';

interface Credentials {
  username: string;
  password: string;
}

/** Sign-in: username and password (POST /api/auth/login), with a quick pick of the demo's accounts. */
export function Login({ overlay = false }: { overlay?: boolean }) {
  const { t, pick } = useI18n();
  const { login, changeInitialPassword, session } = useAuth();
  const [form] = Form.useForm<Credentials>();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const [change, setChange] = useState<PasswordChange | null>(null);

  const submit = async ({ username, password }: Credentials) => {
    setError(undefined);
    setPending(true);
    try {
      setChange(await login(username.trim(), password));
    } catch (failure) {
      setError(failure);
      form.setFieldValue('password', '');
    } finally {
      setPending(false);
    }
  };

  const setNewPassword = async ({ newPassword }: { newPassword: string }) => {
    setError(undefined);
    setPending(true);
    try {
      await changeInitialPassword(change!, newPassword);
      setChange(null);
    } catch (failure) {
      setError(failure);
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
      <div className="login-card">
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
        {change ? (
          <Form<{ newPassword: string; confirm: string }> layout="vertical" onFinish={setNewPassword} requiredMark={false} data-testid="initial-password">
            <Alert type="info" showIcon title={t('mustChangePassword')} style={{ marginBottom: 16 }} />
            <Form.Item name="newPassword" label={t('newPassword')} rules={[{ required: true, min: 10, message: t('passwordTooShort') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="new-password" size="large" data-testid="new-password" />
            </Form.Item>
            <Form.Item
              name="confirm"
              label={t('confirmPassword')}
              dependencies={['newPassword']}
              rules={[{ required: true, message: t('passwordsDiffer') }, ({ getFieldValue }) => ({ validator: (_, value) => (value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('passwordsDiffer')))) })]}
            >
              <Input.Password prefix={<LockOutlined />} autoComplete="new-password" size="large" data-testid="confirm-password" />
            </Form.Item>
            <ErrorAlert error={error} />
            <Button type="primary" htmlType="submit" size="large" block loading={pending} data-testid="set-password">
              {t('setPassword')}
            </Button>
          </Form>
        ) : (
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
        )}
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
      </div>
    </div>
  );
}
