import { UserOutlined } from '@ant-design/icons';
import { Button, ConfigProvider, Segmented } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { Suspense } from 'react';
import { BrowserRouter, Link, NavLink, useLocation } from 'react-router';
import { I18nProvider, Lang, storedLang, useI18n } from './i18n';
import { actsForOrganization, AuthProvider, useActor, useAuth } from './auth';
import { AUDIT_ROLES } from './components/AuditOnly';
import { Login } from './pages/Login';
import { appPages, isPublicPath } from './routes';

// The console past the sign-in page loads when it is needed (AppPages.tsx): the sign-in page
// downloads none of it.
const SignedInPages = appPages.component('SignedInPages');
const PublicPages = appPages.component('PublicPages');
const UserMenu = appPages.component('UserMenu');

const setDayjsLocale = (lang: Lang) => dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
setDayjsLocale(storedLang());

function Header() {
  const { t, lang, setLang } = useI18n();
  const { session } = useAuth();
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
    ...(role === 'bureau' ? [{ to: '/notices', label: t('navNotices') }] : []),
    ...(role === 'hub' || role === 'organization' || role === 'bureau' || role === 'admin' ? [{ to: '/teams', label: t('navTeams') }] : []),
    ...(role && AUDIT_ROLES.includes(role) ? [{ to: '/audit', label: t('navAudit') }] : []),
    { to: '/disclosure', label: t('navDisclosure') },
  ];
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
            <Suspense fallback={null}>
              <UserMenu />
            </Suspense>
          )}
          <Segmented<Lang>
            data-testid="lang-switch"
            size="small"
            value={lang}
            onChange={setLang}
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

/**
 * Chinese fonts first for Chinese; for English, Latin fonts first, so that English punctuation (’ “ ”)
 * is not drawn with a Chinese font's full-width glyphs. Kept in step with styles.css.
 */
const FONTS: Record<Lang, string> = {
  zh: "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', 'Helvetica Neue', Arial, sans-serif",
  en: "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif",
};

/** Shown while a part of the console loads (a skeleton of its own would load Ant Design's). */
const Loading = () => <div className="page-loading" role="status" aria-busy="true" />;

function Shell() {
  const { lang, t } = useI18n();
  const { session, expired } = useAuth();
  const location = useLocation();
  const isPublic = isPublicPath(location.pathname);
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      button={{ autoInsertSpace: false }}
      // Secondary text, hints, placeholders (also on a disabled select's grey) and warning / success text dark enough to read (WCAG AA contrast, 4.5:1 and more).
      theme={{ token: { colorPrimary: '#b71c1c', colorLink: '#1d4f91', borderRadius: 6, fontFamily: FONTS[lang], colorTextSecondary: '#595959', colorTextDescription: '#595959', colorTextTertiary: '#636363', colorTextPlaceholder: '#636363', colorError: '#cf1322', colorWarningText: '#874d00', colorSuccessText: '#237804' } }}
    >
      <div className="app">
          <Header />
          <main className="app-main">
            {isPublic || session ? (
              <Suspense fallback={<Loading />}>{isPublic ? <PublicPages /> : <SignedInPages />}</Suspense>
            ) : (
              <Login />
            )}
          </main>
          {session && expired && <Login overlay />}
          <footer className="app-footer">
            <span className="text-secondary">{t('footer')}</span>
          </footer>
      </div>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <I18nProvider onChange={setDayjsLocale}>
        <AuthProvider>
          <Shell />
        </AuthProvider>
      </I18nProvider>
    </BrowserRouter>
  );
}
