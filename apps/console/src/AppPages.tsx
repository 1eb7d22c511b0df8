import { DownOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Popover, Skeleton } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { actsForOrganization, useActor, useAuth } from './auth';
import { FeedbackProvider } from './feedback';
import { useI18n } from './i18n';
import { ROLE_LABELS } from './labels';
import { flush, useOutbox } from './outbox';
import { PUBLIC_PAGES, SIGNED_IN_PAGES } from './routes';

/*
 * The console past the sign-in page: the signed-in routes, the public disclosure pages and the
 * account menu. The sign-in page (App.tsx) loads this module only when it is needed; the pages
 * themselves and their modules are listed in routes.ts.
 */

const OutboxPanel = lazy(() => import('./components/OutboxPanel').then((m) => ({ default: m.OutboxPanel })));

/** Where each role starts ('/', and '/login' once signed in: routes.ts). */
export function Home() {
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
          {PUBLIC_PAGES.map(({ path, Page }) => (
            <Route key={path} path={path} element={<Page />} />
          ))}
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
          {SIGNED_IN_PAGES.map(({ path, Page }) => (
            <Route key={path} path={path} element={<Page />} />
          ))}
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
