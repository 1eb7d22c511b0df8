import { DownOutlined, SettingOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, ConfigProvider, Dropdown, Form, Input, Modal, Result, Segmented, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useState } from 'react';
import { BrowserRouter, Link, Navigate, NavLink, Route, Routes } from 'react-router';
import { I18nProvider, Lang, storedLang, useI18n } from './i18n';
import { DEMO_ROLES, IdentityProvider, IdentitySettings, useIdentity } from './identity';
import { ROLE_LABELS } from './labels';
import { MyCommitments } from './pages/MyCommitments';
import { NeedDetail } from './pages/NeedDetail';
import { NeedList } from './pages/NeedList';
import { NewNeed } from './pages/NewNeed';

const setDayjsLocale = (lang: Lang) => dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
setDayjsLocale(storedLang());

function IdentityDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, pick } = useI18n();
  const { settings, update } = useIdentity();
  const [form] = Form.useForm<IdentitySettings>();
  const id = { pattern: /^[A-Za-z0-9._:@-]{1,64}$/, message: 'A-Z a-z 0-9 . _ : @ -' };
  return (
    <Modal
      open={open}
      title={t('identityEdit')}
      okText={t('save')}
      cancelText={t('cancel')}
      onCancel={onClose}
      onOk={async () => {
        const values = await form.validateFields();
        update(values);
        onClose();
      }}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('identityNote')} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" initialValues={settings} preserve={false}>
        <Form.Item name="coordinatorId" label={`${t('actorId')} · ${pick(ROLE_LABELS.coordinator)}`} rules={[{ required: true }, id]}>
          <Input />
        </Form.Item>
        <Form.Item name="organizationStaffId" label={`${t('actorId')} · ${pick(ROLE_LABELS.organization)}`} rules={[{ required: true }, id]}>
          <Input />
        </Form.Item>
        <Form.Item name="organizationId" label={t('orgId')} rules={[{ required: true }, id]}>
          <Input data-testid="identity-org-id" />
        </Form.Item>
        <Form.Item name="organizationName" label={t('orgName')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={200} data-testid="identity-org-name" />
        </Form.Item>
        <Form.Item name="bureauId" label={`${t('actorId')} · ${pick(ROLE_LABELS.bureau)}`} rules={[{ required: true }, id]}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Header() {
  const { t, lang, setLang, pick } = useI18n();
  const { settings, update } = useIdentity();
  const [editing, setEditing] = useState(false);
  const role = settings.role;
  const nav = [
    { to: '/needs', label: t('navNeeds'), end: true },
    ...(role === 'coordinator' ? [{ to: '/needs/new', label: t('navNewNeed'), end: true }] : []),
    ...(role === 'organization' ? [{ to: '/my/commitments', label: t('navMyCommitments'), end: true }] : []),
  ];
  const roleText = (r: (typeof DEMO_ROLES)[number]) => pick(ROLE_LABELS[r]);
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link to="/needs" className="brand" aria-label={t('brand')}>
          <span className="brand-mark">村</span>
          <span className="brand-text">
            <span className="brand-name">{t('brand')}</span>
            <span className="brand-sub">{t('brandSub')}</span>
          </span>
        </Link>
        <nav className="app-nav" aria-label="main">
          {nav.map((item) => (
            <NavLink key={item.to} to={item.to} end={item.end} className={({ isActive }) => (isActive ? 'active' : undefined)}>
              {item.label}
            </NavLink>
          ))}
        </nav>
        <div className="header-tools">
          <Dropdown
            trigger={['click']}
            menu={{
              selectedKeys: [role],
              items: [
                { type: 'group', label: t('demoIdentity'), children: DEMO_ROLES.map((r) => ({ key: r, label: r === 'organization' ? `${roleText(r)} · ${settings.organizationName}` : roleText(r) })) },
                { type: 'divider' },
                { key: 'settings', icon: <SettingOutlined />, label: t('identityEdit') },
              ],
              onClick: ({ key }) => (key === 'settings' ? setEditing(true) : update({ role: key as IdentitySettings['role'] })),
            }}
          >
            <Button data-testid="identity-switch" icon={<UserOutlined />} className="identity-button">
              <span className="identity-label">{t('demoIdentity')}{t('colon')}</span>
              <span data-testid="identity-role">{roleText(role)}</span>
              <DownOutlined style={{ fontSize: 10 }} />
            </Button>
          </Dropdown>
          <Segmented<Lang>
            data-testid="lang-switch"
            size="small"
            value={lang}
            onChange={(value) => {
              setDayjsLocale(value);
              setLang(value);
            }}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'EN', value: 'en' },
            ]}
          />
        </div>
      </div>
      <IdentityDialog open={editing} onClose={() => setEditing(false)} />
    </header>
  );
}

function NotFound() {
  const { t } = useI18n();
  return <Result status="404" title="404" extra={<Link to="/needs">{t('navNeeds')}</Link>} />;
}

function Shell() {
  const { lang, t } = useI18n();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      button={{ autoInsertSpace: false }}
      theme={{ token: { colorPrimary: '#b71c1c', colorLink: '#1d4f91', borderRadius: 6, fontFamily: "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Helvetica Neue', Arial, sans-serif" } }}
    >
      <AntApp>
        <div className="app">
          <Header />
          <main className="app-main">
            <Routes>
              <Route path="/" element={<Navigate to="/needs" replace />} />
              <Route path="/needs" element={<NeedList />} />
              <Route path="/needs/new" element={<NewNeed />} />
              <Route path="/needs/:id" element={<NeedDetail />} />
              <Route path="/my/commitments" element={<MyCommitments />} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </main>
          <footer className="app-footer">
            <Typography.Text type="secondary">{t('footer')}</Typography.Text>
            <Typography.Text type="secondary" className="small">
              {t('identityNote')}
            </Typography.Text>
          </footer>
        </div>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <I18nProvider>
        <IdentityProvider>
          <Shell />
        </IdentityProvider>
      </I18nProvider>
    </BrowserRouter>
  );
}
