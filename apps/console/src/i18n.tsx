import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { AUDIT_MESSAGES } from './messages/audit';
import { BUREAU_MESSAGES } from './messages/bureau';
import { COMMON_MESSAGES } from './messages/common';
import { DASHBOARD_MESSAGES } from './messages/dashboard';
import { DISCLOSURE_MESSAGES } from './messages/disclosure';
import { NEED_MESSAGES } from './messages/needs';
import { NOTICE_MESSAGES } from './messages/notices';
import { ORGANIZATION_DESK_MESSAGES } from './messages/organizationDesk';
import { TEAM_MESSAGES } from './messages/teams';

export type Lang = 'zh' | 'en';

/** Every text of the console, Simplified Chinese first. `{name}` is filled in by `t`. */
const MESSAGES = {
  ...COMMON_MESSAGES,
  ...NEED_MESSAGES,
  ...ORGANIZATION_DESK_MESSAGES,
  ...AUDIT_MESSAGES,
  ...DISCLOSURE_MESSAGES,
  ...TEAM_MESSAGES,
  ...BUREAU_MESSAGES,
  ...DASHBOARD_MESSAGES,
  ...NOTICE_MESSAGES,
} as const satisfies Record<string, readonly [string, string]>;

/** The keys that more than one dictionary defines (a spread would silently keep the later text). */
type Repeated<T extends readonly unknown[], Seen = never> = T extends readonly [infer Head, ...infer Rest] ? (keyof Head & Seen) | Repeated<Rest, Seen | keyof Head> : never;
type Dictionaries = [typeof COMMON_MESSAGES, typeof NEED_MESSAGES, typeof ORGANIZATION_DESK_MESSAGES, typeof AUDIT_MESSAGES, typeof DISCLOSURE_MESSAGES, typeof TEAM_MESSAGES, typeof BUREAU_MESSAGES, typeof DASHBOARD_MESSAGES, typeof NOTICE_MESSAGES];
/** Fails the type check, naming the key, when a key is defined twice. */
export const NO_KEY_DEFINED_TWICE: [Repeated<Dictionaries>] extends [never] ? true : Repeated<Dictionaries> = true;

export type MessageKey = keyof typeof MESSAGES;

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** Picks the text of the current language from a [zh, en] pair. */
  pick: (pair: readonly [string, string]) => string;
}

const LANG_KEY = 'shecun.lang';
const I18nContext = createContext<I18n | null>(null);

export function storedLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function I18nProvider({ children, onChange }: { children: ReactNode; onChange?: (lang: Lang) => void }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  // The page's language (for fonts, screen readers and hyphenation) also when English was chosen on an earlier visit.
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const setLang = useCallback(
    (next: Lang) => {
      try {
        localStorage.setItem(LANG_KEY, next);
      } catch {
        /* private mode: keep it for this page only */
      }
      document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
      setLangState(next);
      onChange?.(next);
    },
    [onChange],
  );
  const value = useMemo<I18n>(() => {
    const index = lang === 'zh' ? 0 : 1;
    return {
      lang,
      setLang,
      pick: (pair) => pair[index],
      t: (key, vars) => {
        let text: string = MESSAGES[key][index];
        if (vars) for (const [name, v] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(v));
        return text;
      },
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
