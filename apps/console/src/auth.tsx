import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, get, request, setRequestSession, setUnauthorizedHandler } from './api';

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
  organizationName?: string;
}

export interface Session {
  /** Bearer token from POST /api/auth/login; absent for a demo identity on a server without sign-in. */
  accessToken?: string;
  /** Epoch milliseconds when the token runs out. */
  expiresAt?: number;
  user: User;
  grant: Grant;
  grants: Grant[];
}

interface LoginAnswer {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: User;
  grant: Grant;
  grants: Grant[];
}

/** The demo seed's accounts (password `shecun-demo`), offered as a quick pick on the login page. */
export const DEMO_PASSWORD = 'shecun-demo';
export interface DemoAccount {
  username: string;
  displayName: [string, string];
  grant: Omit<Grant, 'id'>;
}
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'coordinator', displayName: ['三排镇联络员', 'Sanpai town coordinator'], grant: { role: 'coordinator', scope: '441826105' } },
  { username: 'org-staff', displayName: ['广州市慈善会 工作人员', 'Guangzhou Charity Association staff'], grant: { role: 'organization', organizationId: 'org-gz-charity', organizationName: '广州市慈善会' } },
  { username: 'hub-admin', displayName: ['广州市社会组织联合会 管理员', 'Guangzhou Federation admin'], grant: { role: 'hub', organizationId: 'org-gz-federation', organizationName: '广州市社会组织联合会' } },
  { username: 'bureau', displayName: ['清远市社会组织管理局', 'Qingyuan bureau staff'], grant: { role: 'bureau', scope: '4418' } },
  { username: 'auditor', displayName: ['审计员', 'Auditor'], grant: { role: 'auditor', scope: '44' } },
  { username: 'admin', displayName: ['系统管理员', 'Administrator'], grant: { role: 'admin' } },
];

/**
 * Whether the server signs users in (POST /api/auth/login). A server without it still identifies the
 * acting user by X-Actor-* headers: the login page then offers the demo identities only.
 */
export type SignIn = 'unknown' | 'password' | 'demo-headers';

async function probeSignIn(): Promise<SignIn> {
  try {
    await get('/api/auth/me', { anonymous: true });
    return 'password';
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return 'demo-headers';
    return 'password';
  }
}

const KEY = 'shecun.session';

function stored(): Session | null {
  try {
    const session = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    if (!session || typeof session !== 'object' || !session.user || !session.grant) return null;
    if (session.expiresAt && session.expiresAt <= Date.now()) return null;
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
  signIn: SignIn;
  /** True when the server answered 401 during a session: the login is shown over the page. */
  expired: boolean;
  login: (username: string, password: string, grantId?: string) => Promise<void>;
  /** A demo identity on a server without sign-in. */
  chooseDemoIdentity: (account: DemoAccount) => void;
  logout: () => void;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => {
    const initial = stored();
    setRequestSession(initial);
    return initial;
  });
  const [signIn, setSignIn] = useState<SignIn>('unknown');
  const [expired, setExpired] = useState(false);

  const begin = useCallback((next: Session | null) => {
    setRequestSession(next);
    store(next);
    setSession(next);
    setExpired(false);
  }, []);

  useEffect(() => {
    let live = true;
    probeSignIn().then((mode) => {
      if (!live) return;
      setSignIn(mode);
      const current = stored();
      // A demo identity is worthless on a server that signs users in, and a token on one that does not.
      if (current && (mode === 'password') !== Boolean(current.accessToken)) begin(null);
    });
    return () => {
      live = false;
    };
  }, [begin]);

  useEffect(() => {
    setUnauthorizedHandler(() => setExpired(true));
    return () => setUnauthorizedHandler(null);
  }, []);

  const login = useCallback(
    async (username: string, password: string, grantId?: string) => {
      const answer = await request<LoginAnswer>('POST', '/api/auth/login', { body: { username, password, ...(grantId ? { grantId } : {}) }, anonymous: true });
      begin({ accessToken: answer.accessToken, expiresAt: Date.now() + answer.expiresIn * 1000, user: answer.user, grant: answer.grant, grants: answer.grants });
    },
    [begin],
  );

  const chooseDemoIdentity = useCallback(
    (account: DemoAccount) => {
      const grant: Grant = { id: `${account.username}-demo`, ...account.grant };
      begin({ user: { id: account.username, username: account.username, displayName: account.displayName[0] }, grant, grants: [grant] });
    },
    [begin],
  );

  const logout = useCallback(() => begin(null), [begin]);

  const value = useMemo(() => ({ session, signIn, expired, login, chooseDemoIdentity, logout }), [session, signIn, expired, login, chooseDemoIdentity, logout]);
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
  organizationName?: string;
  scope?: string;
}

export function useActor(): Actor {
  const { session } = useAuth();
  if (!session) return { id: '', role: null };
  const { grant, user } = session;
  return { id: user.id, role: grant.role, organizationId: grant.organizationId, organizationName: grant.organizationName, scope: grant.scope };
}

/** Organization staff and hub admins commit to needs for their organization. */
export const actsForOrganization = (actor: Actor) => (actor.role === 'organization' || actor.role === 'hub') && Boolean(actor.organizationId);
