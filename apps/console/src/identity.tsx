import { createContext, ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { setRequestActor } from './api';

/** The demo roles of the header's switcher. */
export type DemoRole = 'coordinator' | 'organization' | 'bureau';
export const DEMO_ROLES: DemoRole[] = ['coordinator', 'organization', 'bureau'];

export interface Actor {
  id: string;
  role: DemoRole;
  organizationId?: string;
}

/** What the switcher keeps per role, so switching back and forth keeps each identity's details. */
export interface IdentitySettings {
  role: DemoRole;
  coordinatorId: string;
  organizationStaffId: string;
  organizationId: string;
  organizationName: string;
  bureauId: string;
}

export const DEFAULT_IDENTITY: IdentitySettings = {
  role: 'coordinator',
  coordinatorId: 'cadre-demo-01',
  organizationStaffId: 'staff-demo-01',
  organizationId: 'org-gz-edu',
  organizationName: '广州市教育发展基金会',
  bureauId: 'bureau-gz-01',
};

const KEY = 'shecun.identity';

function load(): IdentitySettings {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<IdentitySettings> | null;
    if (stored && typeof stored === 'object') {
      const merged = { ...DEFAULT_IDENTITY, ...stored };
      if (!DEMO_ROLES.includes(merged.role)) merged.role = DEFAULT_IDENTITY.role;
      return merged;
    }
  } catch {
    /* unreadable: start from the defaults */
  }
  return DEFAULT_IDENTITY;
}

export function actorOf(settings: IdentitySettings): Actor {
  switch (settings.role) {
    case 'coordinator':
      return { id: settings.coordinatorId, role: 'coordinator' };
    case 'organization':
      return { id: settings.organizationStaffId, role: 'organization', organizationId: settings.organizationId };
    case 'bureau':
      return { id: settings.bureauId, role: 'bureau' };
  }
}

interface IdentityContextValue {
  settings: IdentitySettings;
  actor: Actor;
  update: (change: Partial<IdentitySettings>) => void;
}

const IdentityContext = createContext<IdentityContextValue | null>(null);

export function IdentityProvider({ children }: { children: ReactNode }) {
  const [settings, setSettings] = useState<IdentitySettings>(() => {
    const initial = load();
    setRequestActor(actorOf(initial));
    return initial;
  });
  const update = useCallback((change: Partial<IdentitySettings>) => {
    setSettings((previous) => {
      const next = { ...previous, ...change };
      try {
        localStorage.setItem(KEY, JSON.stringify(next));
      } catch {
        /* private mode: this page only */
      }
      setRequestActor(actorOf(next));
      return next;
    });
  }, []);
  const value = useMemo(() => ({ settings, actor: actorOf(settings), update }), [settings, update]);
  return <IdentityContext.Provider value={value}>{children}</IdentityContext.Provider>;
}

export function useIdentity(): IdentityContextValue {
  const value = useContext(IdentityContext);
  if (!value) throw new Error('useIdentity outside IdentityProvider');
  return value;
}
