import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { AUDIT_MESSAGES } from './messages/zh/audit';
import { BUREAU_MESSAGES } from './messages/zh/bureau';
import { COMMON_MESSAGES } from './messages/zh/common';
import { DASHBOARD_MESSAGES } from './messages/zh/dashboard';
import { DISCLOSURE_MESSAGES } from './messages/zh/disclosure';
import { NEED_MESSAGES } from './messages/zh/needs';
import { NOTICE_MESSAGES } from './messages/zh/notices';
import { ORGANIZATION_DESK_MESSAGES } from './messages/zh/organizationDesk';
import { TEAM_MESSAGES } from './messages/zh/teams';

export type Lang = 'zh' | 'en';

/**
 * Every text of the console in Simplified Chinese, the language it starts in. `{name}` is filled in
 * by `t`. The English texts (messages/en, the same keys) load when English is chosen: a Chinese page
 * downloads none of them.
 */
const ZH_MESSAGES = {
  ...COMMON_MESSAGES,
  ...NEED_MESSAGES,
  ...ORGANIZATION_DESK_MESSAGES,
  ...AUDIT_MESSAGES,
  ...DISCLOSURE_MESSAGES,
  ...TEAM_MESSAGES,
  ...BUREAU_MESSAGES,
  ...DASHBOARD_MESSAGES,
  ...NOTICE_MESSAGES,
} as const satisfies Record<string, string>;

/** The keys that more than one dictionary defines (a spread would silently keep the later text). */
type Repeated<T extends readonly unknown[], Seen = never> = T extends readonly [infer Head, ...infer Rest] ? (keyof Head & Seen) | Repeated<Rest, Seen | keyof Head> : never;
type Dictionaries = [typeof COMMON_MESSAGES, typeof NEED_MESSAGES, typeof ORGANIZATION_DESK_MESSAGES, typeof AUDIT_MESSAGES, typeof DISCLOSURE_MESSAGES, typeof TEAM_MESSAGES, typeof BUREAU_MESSAGES, typeof DASHBOARD_MESSAGES, typeof NOTICE_MESSAGES];
/** Fails the type check, naming the key, when a key is defined twice. */
export const NO_KEY_DEFINED_TWICE: [Repeated<Dictionaries>] extends [never] ? true : Repeated<Dictionaries> = true;

export type MessageKey = keyof typeof ZH_MESSAGES;

/** The texts of each language loaded so far: Chinese always, English once chosen (loadLang). */
const CATALOGUES: Partial<Record<Lang, Record<MessageKey, string>>> = { zh: ZH_MESSAGES };

/** Loads the texts of `lang` (English: its own chunk, precached by the service worker for offline use). */
export async function loadLang(lang: Lang): Promise<void> {
  if (CATALOGUES[lang]) return;
  if (lang === 'en') CATALOGUES.en = (await import('./messages/en')).EN_MESSAGES;
}

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

/** The language chosen on an earlier visit when its texts are loaded (main.tsx loads them before the first render), else Chinese. */
const startLang = (): Lang => (CATALOGUES[storedLang()] ? storedLang() : 'zh');

export function I18nProvider({ children, onChange }: { children: ReactNode; onChange?: (lang: Lang) => void }) {
  const [lang, setLangState] = useState<Lang>(startLang);
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
      // Switched once its texts are here; should they fail to load (offline before the service worker had them), the page stays as it is.
      loadLang(next).then(
        () => {
          document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
          setLangState(next);
          onChange?.(next);
        },
        () => undefined,
      );
    },
    [onChange],
  );
  const value = useMemo<I18n>(() => {
    const index = lang === 'zh' ? 0 : 1;
    const texts = CATALOGUES[lang] ?? ZH_MESSAGES;
    return {
      lang,
      setLang,
      pick: (pair) => pair[index],
      t: (key, vars) => {
        let text: string = texts[key];
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
