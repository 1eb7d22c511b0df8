import { DownOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Popover, Skeleton } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { actsForOrganization, useActor, useAuth } from './auth';
import { FeedbackProvider } from './feedback';
import { useI18n } from './i18n';
import { ROLE_LABELS } from './labels';
import { flush, useOutbox } from './outbox';

/*
 * The console past the sign-in page: the signed-in routes, the public disclosure pages and the
 * account menu. The sign-in page (App.tsx) loads this module only when it is needed, so a phone that
 * opens the sign-in page downloads none of it.
 */

// Every page loads on first use: a phone on a weak signal downloads only the pages its person opens
// (a coordinator never loads the bureau's charts or the auditor's trace).
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
const NotFound = lazy(() => import('./pages/NotFound').then((m) => ({ default: m.NotFound })));
const Bureau = lazy(() => import('./pages/Bureau').then((m) => ({ default: m.Bureau })));

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

/** Pages anyone may read without signing in (信息公开). */
export function PublicPages() {
  return (
    <FeedbackProvider>
      <Suspense fallback={<Skeleton active />}>
        <Routes>
          <Route path="/disclosure" element={<DisclosureIndex />} />
          <Route path="/disclosure/organizations/:id" element={<OrganizationDisclosurePage />} />
          <Route path="/disclosure/needs/:id" element={<NeedDisclosurePage />} />
        </Routes>
      </Suspense>
    </FeedbackProvider>
  );
}

/** The signed-in routes, with the outbox of commands made offline. */
export function SignedInPages() {
  return (
    <FeedbackProvider>
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
    </FeedbackProvider>
  );
}

/** The header's account menu: who is signed in, in which role, and signing out. */
export function UserMenu() {
  const { t, pick } = useI18n();
  const { session, logout } = useAuth();
  const actor = useActor();
  const [open, setOpen] = useState(false);
  if (!session) return null;
  const grantText = actor.role ? pick(ROLE_LABELS[actor.role]) : '';
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      arrow={false}
      open={open}
      onOpenChange={setOpen}
      content={
        <div className="account-menu" data-testid="account-menu">
          <div className="account-menu-who">
            {`${session.user.username} · ${grantText}${actor.organizationId ? ` · ${actor.organizationId}` : ''}${actor.scope ? ` · ${actor.scope}` : ''}`}
          </div>
          <Button
            type="text"
            danger
            block
            icon={<LogoutOutlined />}
            className="account-menu-item"
            onClick={() => {
              setOpen(false);
              logout();
            }}
          >
            {t('logout')}
          </Button>
        </div>
      }
    >
      <Button data-testid="user-menu" icon={<UserOutlined />} className="identity-button" aria-haspopup="true" aria-expanded={open}>
        <span className="identity-label">{session.user.displayName}</span>
        <span data-testid="identity-role" className="identity-role">{grantText}</span>
        <DownOutlined style={{ fontSize: 10 }} />
      </Button>
    </Popover>
  );
}
