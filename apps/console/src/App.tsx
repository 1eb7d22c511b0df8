import { DownOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { App as AntApp, Button, ConfigProvider, Dropdown, Result, Segmented, Skeleton, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect, useState } from 'react';
import { BrowserRouter, Link, Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { I18nProvider, Lang, storedLang, useI18n } from './i18n';
import { actsForOrganization, AuthProvider, useActor, useAuth } from './auth';
import { ROLE_LABELS } from './labels';
import { AUDIT_ROLES } from './components/AuditOnly';
import { Login } from './pages/Login';
import { flush, useOutbox } from './outbox';

// Every page but the sign-in loads on first use: a phone on a weak signal downloads only the pages
// its person opens (a coordinator never loads the bureau's charts or the auditor's trace).
const MyCommitments = lazy(() => import('./pages/MyCommitments').then((m) => ({ default: m.MyCommitments })));
const MyDonations = lazy(() => import('./pages/MyDonations').then((m) => ({ default: m.MyDonations })));
const MyNeeds = lazy(() => import('./pages/MyNeeds').then((m) => ({ default: m.MyNeeds })));
const MyPairings = lazy(() => import('./pages/MyPairings').then((m) => ({ default: m.MyPairings })));
const MyNotices = lazy(() => import('./pages/MyNotices').then((m) => ({ default: m.MyNotices })));
const PushFeed = lazy(() => import('./pages/PushFeed').then((m) => ({ default: m.PushFeed })));
const Recommended = lazy(() => import('./pages/Recommended').then((m) => ({ default: m.Recommended })));
const NeedDetail = lazy(() => import('./pages/NeedDetail').then((m) => ({ default: m.NeedDetail })));
const NeedList = lazy(() => import('./pages/NeedList').then((m) => ({ default: m.NeedList })));
const NewNeed = lazy(() => import('./pages/NewNeed').then((m) => ({ default: m.NewNeed })));
const ReviseNeed = lazy(() => import('./pages/NewNeed').then((m) => ({ default: m.ReviseNeed })));
const Audit = lazy(() => import('./pages/Audit').then((m) => ({ default: m.Audit })));
const NewTeam = lazy(() => import('./pages/NewTeam').then((m) => ({ default: m.NewTeam })));
const TeamDetail = lazy(() => import('./pages/TeamDetail').then((m) => ({ default: m.TeamDetail })));
const Teams = lazy(() => import('./pages/Teams').then((m) => ({ default: m.Teams })));
const DisclosureIndex = lazy(() => import('./pages/DisclosureIndex').then((m) => ({ default: m.DisclosureIndex })));
const NeedDisclosurePage = lazy(() => import('./pages/Disclosure').then((m) => ({ default: m.NeedDisclosurePage })));
const OrganizationDisclosurePage = lazy(() => import('./pages/Disclosure').then((m) => ({ default: m.OrganizationDisclosurePage })));
const AuditTrace = lazy(() => import('./pages/AuditTrace').then((m) => ({ default: m.AuditTrace })));
const OutboxPanel = lazy(() => import('./components/OutboxPanel').then((m) => ({ default: m.OutboxPanel })));
const Bureau = lazy(() => import('./pages/Bureau').then((m) => ({ default: m.Bureau })));

const setDayjsLocale = (lang: Lang) => dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
setDayjsLocale(storedLang());

function Header() {
  const { t, lang, setLang, pick } = useI18n();
  const { session, logout } = useAuth();
  const location = useLocation();
  const actor = useActor();
  const role = actor.role;
  const nav = [
    ...(role === 'coordinator' ? [{ to: '/mine', label: t('navMine') }] : []),
    { to: '/needs', label: t('navNeeds') },
    ...(role === 'coordinator' ? [{ to: '/needs/new', label: t('navNewNeed') }] : []),
    ...(actor.role && actsForOrganization(actor)
      ? [
          { to: '/recommended', label: t('navRecommended') },
          { to: '/my/commitments', label: t('navMyCommitments') },
          { to: '/my/donations', label: t('navMyDonations') },
          { to: '/push', label: t('navPush') },
          { to: '/notices', label: t('navNotices') },
          { to: '/my/pairings', label: t('navMyPairings') },
        ]
      : []),
    ...(role === 'bureau' || role === 'admin' ? [{ to: '/bureau', label: t('navBureau') }] : []),
    ...(role === 'hub' || role === 'organization' || role === 'bureau' || role === 'admin' ? [{ to: '/teams', label: t('navTeams') }] : []),
    ...(role && AUDIT_ROLES.includes(role) ? [{ to: '/audit', label: t('navAudit') }] : []),
    { to: '/disclosure', label: t('navDisclosure') },
  ];
  const who = session ? `${session.user.displayName}` : '';
  const grantText = role ? pick(ROLE_LABELS[role]) : '';
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">村</span>
          <span className="brand-text">
            <span className="brand-name">{t('brand')}</span>
            <span className="brand-sub">{t('brandSub')}</span>
          </span>
        </Link>
        {/* An organization's menu is too long to share a line with the brand and the account: it takes a line of its own. */}
        {session && <nav className={nav.length > 6 ? 'app-nav app-nav-long' : 'app-nav'} aria-label="main">
          {nav.map((item) => (
            <NavLink key={item.to} to={item.to} end className={({ isActive }) => (isActive ? 'active' : undefined)}>
              {item.label}
            </NavLink>
          ))}
        </nav>}
        <div className="header-tools">
          {!session && location.pathname.startsWith('/disclosure') && (
            <Link to="/" data-testid="sign-in-link">
              <Button icon={<UserOutlined />} className="sign-in-button">
                {t('login')}
              </Button>
            </Link>
          )}
          {session && (
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'who', type: 'group', label: `${session.user.username} · ${grantText}${actor.organizationId ? ` · ${actor.organizationId}` : ''}${actor.scope ? ` · ${actor.scope}` : ''}` },
                  { type: 'divider' },
                  { key: 'logout', icon: <LogoutOutlined />, label: t('logout'), danger: true },
                ],
                onClick: ({ key }) => key === 'logout' && logout(),
              }}
            >
              <Button data-testid="user-menu" icon={<UserOutlined />} className="identity-button">
                <span className="identity-label">{who}</span>
                <span data-testid="identity-role" className="identity-role">{grantText}</span>
                <DownOutlined style={{ fontSize: 10 }} />
              </Button>
            </Dropdown>
          )}
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
    </header>
  );
}

/** Where each role starts. */
function Home() {
  const actor = useActor();
  if (actor.role === 'coordinator') return <Navigate to="/mine" replace />;
  if (actor.role === 'auditor') return <Navigate to="/audit" replace />;
  if (actor.role === 'bureau') return <Navigate to="/bureau" replace />;
  if (actor.role && actsForOrganization(actor)) return <Navigate to="/recommended" replace />;
  return <Navigate to="/needs" replace />;
}

/**
 * The outbox (commands made offline): sent when the console starts and whenever the browser is back
 * online; its panel shows while it holds anything, or while the browser is offline.
 */
function Outbox() {
  const actor = useActor();
  const items = useOutbox(actor.id);
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => {
      setOnline(navigator.onLine);
      if (navigator.onLine && actor.id) flush(actor.id);
    };
    update();
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, [actor.id]);
  return items.length > 0 || !online ? (
    <Suspense fallback={null}>
      <OutboxPanel />
    </Suspense>
  ) : null;
}

function NotFound() {
  const { t } = useI18n();
  return <Result status="404" title="404" extra={<Link to="/">{t('navHome')}</Link>} />;
}

/**
 * Chinese fonts first for Chinese; for English, Latin fonts first, so that English punctuation (’ “ ”)
 * is not drawn with a Chinese font's full-width glyphs. Kept in step with styles.css.
 */
const FONTS: Record<Lang, string> = {
  zh: "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', 'Helvetica Neue', Arial, sans-serif",
  en: "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif",
};

/** Pages anyone may read without signing in (信息公开). */
const publicRoutes = (
  <Suspense fallback={<Skeleton active />}>
  <Routes>
    <Route path="/disclosure" element={<DisclosureIndex />} />
    <Route path="/disclosure/organizations/:id" element={<OrganizationDisclosurePage />} />
    <Route path="/disclosure/needs/:id" element={<NeedDisclosurePage />} />
  </Routes>
  </Suspense>
);

function Shell() {
  const { lang, t } = useI18n();
  const { session, expired } = useAuth();
  const location = useLocation();
  const isPublic = location.pathname === '/disclosure' || location.pathname.startsWith('/disclosure/');
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      button={{ autoInsertSpace: false }}
      // Secondary text, hints, placeholders (also on a disabled select's grey) and warning / success text dark enough to read (WCAG AA contrast, 4.5:1 and more).
      theme={{ token: { colorPrimary: '#b71c1c', colorLink: '#1d4f91', borderRadius: 6, fontFamily: FONTS[lang], colorTextSecondary: '#595959', colorTextDescription: '#595959', colorTextTertiary: '#636363', colorTextPlaceholder: '#636363', colorError: '#cf1322', colorWarningText: '#874d00', colorSuccessText: '#237804' } }}
    >
      <AntApp>
        <div className="app">
          <Header />
          <main className="app-main">
            {isPublic ? (
              publicRoutes
            ) : session ? (
              <Suspense fallback={<Skeleton active />}>
              <Outbox />
              <Routes>
                <Route path="/" element={<Home />} />
                <Route path="/login" element={<Home />} />
                <Route path="/mine" element={<MyNeeds />} />
                <Route path="/needs" element={<NeedList />} />
                <Route path="/needs/new" element={<NewNeed />} />
                <Route path="/needs/:id" element={<NeedDetail />} />
                <Route path="/needs/:id/revise" element={<ReviseNeed />} />
                <Route path="/my/commitments" element={<MyCommitments />} />
                <Route path="/my/donations" element={<MyDonations />} />
                <Route path="/my/pairings" element={<MyPairings />} />
                <Route path="/recommended" element={<Recommended />} />
                <Route path="/push" element={<PushFeed />} />
                <Route path="/notices" element={<MyNotices />} />
                <Route path="/bureau" element={<Bureau />} />
                <Route path="/teams" element={<Teams />} />
                <Route path="/teams/new" element={<NewTeam />} />
                <Route path="/teams/:id" element={<TeamDetail />} />
                <Route path="/audit" element={<Audit />} />
                <Route path="/audit/flows/:id" element={<AuditTrace />} />
                <Route path="*" element={<NotFound />} />
              </Routes>
              </Suspense>
            ) : (
              <Login />
            )}
          </main>
          {session && expired && <Login overlay />}
          <footer className="app-footer">
            <Typography.Text type="secondary">{t('footer')}</Typography.Text>
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
        <AuthProvider>
          <Shell />
        </AuthProvider>
      </I18nProvider>
    </BrowserRouter>
  );
}
