import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Input } from 'antd';
import { FormEvent, ReactNode, useId, useState } from 'react';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount, PasswordChange, useAuth } from '../auth';
import { ErrorAlert } from '../components/ErrorAlert';
import { useI18n } from '../i18n';
import { ROLE_LABELS } from '../labels';

/**
 * A labelled field of the sign-in page, in the look of Ant Design's vertical form item: the label
 * above, the problem under the input, read with it (aria-describedby). Plain HTML: Ant Design's
 * form and its validator would double the code of the page every visitor loads first.
 */
function Field({ id, label, error, children }: { id: string; label: string; error: string | undefined; children: ReactNode }) {
  return (
    <div className={error ? 'field field-has-error' : 'field'}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {error && (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

interface Credentials {
  username: string;
  password: string;
}

/** The props of a field's input that tie it to its label and its problem. */
const described = (id: string, error: string | undefined) => ({ id, 'aria-required': true, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : undefined, status: error ? ('error' as const) : undefined });

/** Sign-in: username and password (POST /api/auth/login), with a quick pick of the demo's accounts. */
export function Login({ overlay = false }: { overlay?: boolean }) {
  const { t, pick } = useI18n();
  const { login, changeInitialPassword, session } = useAuth();
  const id = useId();
  const [username, setUsername] = useState<string>(overlay ? (session?.user.username ?? '') : '');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPasswordValue] = useState('');
  const [confirm, setConfirm] = useState('');
  // The problems shown under the fields: checked on submit, then again as the field changes.
  const [problems, setProblems] = useState<Partial<Record<'username' | 'password' | 'newPassword' | 'confirm', string>>>({});
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
      setPassword('');
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
    setUsername(account.username);
    setPassword(DEMO_PASSWORD);
    setProblems({});
    void submit({ username: account.username, password: DEMO_PASSWORD });
  };

  const signInProblems = (values: Credentials) => ({
    username: values.username.trim() ? undefined : t('usernameRequired'),
    password: values.password ? undefined : t('passwordRequired'),
  });
  const newPasswordProblems = (values: { newPassword: string; confirm: string }) => ({
    newPassword: values.newPassword.length >= 10 ? undefined : t('passwordTooShort'),
    confirm: values.confirm && values.confirm === values.newPassword ? undefined : t('passwordsDiffer'),
  });
  /** Checks a changed field again when it showed a problem (and the confirmation with the new password). */
  const recheck = (found: typeof problems) =>
    setProblems((shown) => Object.fromEntries(Object.entries(found).filter(([name]) => name in shown && shown[name as keyof typeof shown] !== undefined)));

  const onSignIn = (event: FormEvent) => {
    event.preventDefault();
    const found = signInProblems({ username, password });
    setProblems(found);
    if (!found.username && !found.password) void submit({ username, password });
  };
  const onSetPassword = (event: FormEvent) => {
    event.preventDefault();
    const found = newPasswordProblems({ newPassword, confirm });
    setProblems(found);
    if (!found.newPassword && !found.confirm) void setNewPassword({ newPassword });
  };

  return (
    <div className={overlay ? 'login login-overlay' : 'login'} data-testid="login">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark">村</span>
          <div>
            <h3 className="page-heading">{t('brand')}</h3>
            <span className="text-secondary">{t('brandSub')}</span>
          </div>
        </div>
        {overlay && <Alert type="warning" showIcon title={t('sessionExpired')} style={{ marginBottom: 16 }} />}
        {change ? (
          <form onSubmit={onSetPassword} noValidate data-testid="initial-password">
            <Alert type="info" showIcon title={t('mustChangePassword')} style={{ marginBottom: 16 }} />
            <Field id={`${id}-new`} label={t('newPassword')} error={problems.newPassword}>
              <Input.Password
                {...described(`${id}-new`, problems.newPassword)}
                value={newPassword}
                onChange={(event) => {
                  setNewPasswordValue(event.target.value);
                  recheck(newPasswordProblems({ newPassword: event.target.value, confirm }));
                }}
                prefix={<LockOutlined />}
                autoComplete="new-password"
                size="large"
                data-testid="new-password"
              />
            </Field>
            <Field id={`${id}-confirm`} label={t('confirmPassword')} error={problems.confirm}>
              <Input.Password
                {...described(`${id}-confirm`, problems.confirm)}
                value={confirm}
                onChange={(event) => {
                  setConfirm(event.target.value);
                  recheck(newPasswordProblems({ newPassword, confirm: event.target.value }));
                }}
                prefix={<LockOutlined />}
                autoComplete="new-password"
                size="large"
                data-testid="confirm-password"
              />
            </Field>
            <ErrorAlert error={error} />
            <Button type="primary" htmlType="submit" size="large" block loading={pending} data-testid="set-password">
              {t('setPassword')}
            </Button>
          </form>
        ) : (
          <form onSubmit={onSignIn} noValidate>
            <Field id={`${id}-username`} label={t('username')} error={problems.username}>
              <Input
                {...described(`${id}-username`, problems.username)}
                value={username}
                onChange={(event) => {
                  setUsername(event.target.value);
                  recheck(signInProblems({ username: event.target.value, password }));
                }}
                prefix={<UserOutlined />}
                autoComplete="username"
                size="large"
                data-testid="login-username"
              />
            </Field>
            <Field id={`${id}-password`} label={t('password')} error={problems.password}>
              <Input.Password
                {...described(`${id}-password`, problems.password)}
                value={password}
                onChange={(event) => {
                  setPassword(event.target.value);
                  recheck(signInProblems({ username, password: event.target.value }));
                }}
                prefix={<LockOutlined />}
                autoComplete="current-password"
                size="large"
                data-testid="login-password"
              />
            </Field>
            <ErrorAlert error={error} />
            <Button type="primary" htmlType="submit" size="large" block loading={pending} data-testid="login-submit">
              {t('login')}
            </Button>
          </form>
        )}
        <div className="text-divider">
          <span>{t('demoAccounts')}</span>
        </div>
        <p className="text-secondary small">{t('demoAccountsNote', { password: DEMO_PASSWORD })}</p>
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
