import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, get, post, sendCommand, setRequestSession, setSessionRenewer, setUnauthorizedHandler } from './api';

/** The roles a grant gives (libs/core/src/actor.ts, without the platform's own `system`). */
export type Role = 'coordinator' | 'organization' | 'hub' | 'bureau' | 'auditor' | 'admin';

export interface User {
  id: string;
  username: string;
  displayName: string;
}

/** What a user may act as: a role, within a division `scope` or for an `organizationId`. */
export interface Grant {
  id: string;
  role: Role;
  scope?: string;
  organizationId?: string;
  /** Staff who administer their organization. */
  organizationAdmin?: boolean;
}

export interface Session {
  /** Bearer token from POST /api/auth/login (15 minutes), renewed with the refresh token. */
  accessToken: string;
  /** Epoch milliseconds when the access token runs out. */
  expiresAt?: number;
  /** Works once: POST /api/auth/refresh answers a new pair (a second use ends the session). */
  refreshToken?: string;
  /** Epoch milliseconds when the session ends whatever is renewed. */
  sessionExpiresAt?: number;
  user: User;
  grant: Grant;
  grants: Grant[];
}

interface TokenAnswer {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  sessionExpiresAt: string;
}

interface LoginAnswer extends TokenAnswer {
  /** Signed in with a one-time password: it must be changed before anything else. */
  passwordChangeRequired?: boolean;
  user: User;
  grant: Grant;
  grants: Grant[];
}

/**
 * The embedded demo's accounts (apps/standalone/src/seed/demo-seed.ts, password `shecun-demo`),
 * offered as a quick pick on the login page.
 */
export const DEMO_PASSWORD = 'shecun-demo';
export interface DemoAccount {
  username: string;
  role: Role;
  who: [string, string];
}
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'coordinator', role: 'coordinator', who: ['三排镇驻镇干部', 'Sanpai town cadre'] },
  { username: 'org-staff', role: 'organization', who: ['广州市慈善会 工作人员', 'Guangzhou Charity Association staff'] },
  { username: 'hub-admin', role: 'hub', who: ['广州市社会组织联合会 管理员', 'Guangzhou Federation admin'] },
  { username: 'bureau', role: 'bureau', who: ['清远市民政局', 'Qingyuan civil affairs bureau'] },
  { username: 'auditor', role: 'auditor', who: ['省审计人员', 'Provincial auditor'] },
  { username: 'admin', role: 'admin', who: ['系统管理员', 'Administrator'] },
];

const KEY = 'shecun.session';

/** The access token this tab sends. */
let currentToken: string | undefined;

/** Whether this browser keeps a session that has not ended (the console opens signed in). */
export const hasKeptSession = (): boolean => stored() !== null;

function stored(): Session | null {
  try {
    const session = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    if (!session || typeof session !== 'object' || !session.accessToken || !session.user || !session.grant) return null;
    // An access token that ran out is renewed with the refresh token; a session past its end is gone.
    const end = session.refreshToken ? session.sessionExpiresAt : session.expiresAt;
    if (end && end <= Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

function store(session: Session | null) {
  try {
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
  } catch {
    /* private mode: this page only */
  }
}

interface AuthValue {
  session: Session | null;
  /** True when the server answered 401 during a session: the login is shown over the page. */
  expired: boolean;
  /** Signs in; answers a pending password change when the password was a one-time one (nothing else works until it is changed). */
  login: (username: string, password: string, grantId?: string) => Promise<PasswordChange | null>;
  /** Sets the new password for a one-time one, then signs in with it. */
  changeInitialPassword: (pending: PasswordChange, newPassword: string) => Promise<void>;
  logout: () => void;
}

const AuthContext = createContext<AuthValue | null>(null);

/** A sign-in with a one-time password, waiting for the new password. */
export interface PasswordChange {
  username: string;
  password: string;
  userId: string;
  accessToken: string;
}

const tokens = (answer: TokenAnswer) => ({
  accessToken: answer.accessToken,
  expiresAt: Date.now() + answer.expiresIn * 1000,
  refreshToken: answer.refreshToken,
  sessionExpiresAt: Date.parse(answer.sessionExpiresAt),
});

/**
 * Renews the stored session with its refresh token. Tabs share the session (localStorage), and a
 * refresh token presented twice ends the session, so tabs take turns (Web Locks) and a tab that
 * finds the token already renewed by another takes that one.
 */
async function renew(begin: (next: Session | null) => void): Promise<Session | null> {
  const attempt = async (): Promise<Session | null> => {
    const current = stored();
    if (!current?.refreshToken) return null;
    if (current.accessToken !== currentToken && current.expiresAt && current.expiresAt > Date.now()) {
      begin(current);
      return current;
    }
    try {
      const answer = await sendCommand<TokenAnswer>(post('/api/auth/refresh', { refreshToken: current.refreshToken }), { anonymous: true });
      const next = { ...current, ...tokens(answer) };
      begin(next);
      return next;
    } catch {
      return null;
    }
  };
  const locks = (navigator as Navigator & { locks?: { request: <T>(name: string, run: () => Promise<T>) => Promise<T> } }).locks;
  return locks ? locks.request('shecun.session.refresh', attempt) : attempt();
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => {
    const initial = stored();
    currentToken = initial?.accessToken;
    setRequestSession(initial);
    return initial;
  });
  const [expired, setExpired] = useState(false);

  const begin = useCallback((next: Session | null) => {
    currentToken = next?.accessToken;
    setRequestSession(next);
    store(next);
    setSession(next);
    setExpired(false);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => setExpired(true));
    setSessionRenewer(() => renew(begin));
    return () => {
      setUnauthorizedHandler(null);
      setSessionRenewer(null);
    };
  }, [begin]);

  // A kept session: refresh who the user is and their grants, or forget it when the server does.
  useEffect(() => {
    const kept = stored();
    if (!kept) return;
    get<{ user: User; grant: Grant | null; grants: Grant[] }>('/api/auth/me').then(
      (me) => begin({ ...kept, user: me.user, grant: me.grant ?? kept.grant, grants: me.grants }),
      (error) => error instanceof ApiError && error.status === 401 && begin(null),
    );
  }, [begin]);

  const login = useCallback(
    async (username: string, password: string, grantId?: string) => {
      const answer = await sendCommand<LoginAnswer>(post('/api/auth/login', { username, password, ...(grantId ? { grantId } : {}) }), { anonymous: true });
      if (answer.passwordChangeRequired) return { username, password, userId: answer.user.id, accessToken: answer.accessToken };
      begin({ ...tokens(answer), user: answer.user, grant: answer.grant, grants: answer.grants });
      return null;
    },
    [begin],
  );

  const changeInitialPassword = useCallback(
    async (pending: PasswordChange, newPassword: string) => {
      const change = post('/api/users/{userId}/password', { userId: pending.userId }, { currentPassword: pending.password, newPassword });
      const response = await fetch(change.path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json', Authorization: `Bearer ${pending.accessToken}` },
        body: JSON.stringify(change.body),
      }).catch(() => {
        throw new ApiError('网络连接失败 (network error)');
      });
      if (!response.ok) {
        const problem = (await response.json().catch(() => ({}))) as { detail?: string };
        throw new ApiError(problem.detail ?? `HTTP ${response.status}`, response.status);
      }
      // The change ended the one-time sessions: sign in with the new password.
      await login(pending.username, newPassword);
    },
    [login],
  );

  // Ends the session on the server too (its tokens stop working at once), then forgets it here.
  const logout = useCallback(() => {
    if (stored()) sendCommand(post('/api/auth/logout')).catch(() => undefined);
    begin(null);
  }, [begin]);

  const value = useMemo(() => ({ session, expired, login, changeInitialPassword, logout }), [session, expired, login, changeInitialPassword, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** Who is acting: the signed-in user in their current grant. */
export interface Actor {
  id: string;
  role: Role | null;
  organizationId?: string;
  scope?: string;
}

export function useActor(): Actor {
  const { session } = useAuth();
  if (!session) return { id: '', role: null };
  const { grant, user } = session;
  return { id: user.id, role: grant.role, organizationId: grant.organizationId, scope: grant.scope };
}

/** Organization staff and hub admins commit to needs for their organization. */
export const actsForOrganization = (actor: Actor) => (actor.role === 'organization' || actor.role === 'hub') && Boolean(actor.organizationId);
