import dayjs from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiCommand, ApiError, CommandResult, Division, get, newIdempotencyKey, sendCommand } from './api';
import type { Lang } from './i18n';
import { useActor } from './auth';
import { UNIT_LABELS } from './labels';

// ---------------------------------------------------------------------------------------------
// Commands: one Idempotency-Key per submit attempt, the same one again for a retry after a
// network error (or a 5xx, or "still in progress"), since the first attempt may have gone through.
// ---------------------------------------------------------------------------------------------

interface Attempt {
  signature: string;
  key: string;
  retryable: boolean;
}

const isRetryable = (error: unknown) =>
  error instanceof ApiError && (error.network || (error.status ?? 0) >= 500 || (error.status === 409 && /in progress|处理中/.test(error.detail)));

export function useCommand() {
  const actor = useActor();
  const last = useRef<Attempt | null>(null);
  const [pending, setPending] = useState(false);
  const run = useCallback(
    async <T extends CommandResult = CommandResult>(command: ApiCommand, options: { ifMatch?: number } = {}): Promise<T> => {
      // A route that takes no body gets an empty object.
      const sent = { path: command.path, body: command.body ?? {} };
      const signature = `${actor.id}\n${sent.path}\n${options.ifMatch ?? ''}\n${JSON.stringify(sent.body)}`;
      const previous = last.current;
      const key = previous && previous.retryable && previous.signature === signature ? previous.key : newIdempotencyKey();
      last.current = { signature, key, retryable: false };
      setPending(true);
      try {
        const result = await sendCommand<T>(sent, { idempotencyKey: key, ifMatch: options.ifMatch });
        last.current = null;
        return result;
      } catch (error) {
        last.current = { signature, key, retryable: isRetryable(error) };
        throw error;
      } finally {
        setPending(false);
      }
    },
    [actor.id],
  );
  /** The Idempotency-Key of the last attempt that failed: a command kept for later is sent with it. */
  const failedKey = useCallback(() => last.current?.key, []);
  return { run, pending, failedKey };
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads `path` (again whenever it changes); `reload` fetches it anew. */
export function useGet<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ data: s.data, loading: true }));
    get<T>(path, { signal: controller.signal }).then(
      (data) => setState({ data, loading: false }),
      (error) => {
        if ((error as Error)?.name !== 'AbortError') setState({ error, loading: false });
      },
    );
    return () => controller.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

const divisions = new Map<string, Promise<Division>>();

/** A division with its path and children; cached for the page's life (divisions do not change). */
export function loadDivision(code: string): Promise<Division> {
  let found = divisions.get(code);
  if (!found) {
    found = get<Division>(code ? `/api/regions/${code}` : '/api/regions');
    found.catch(() => divisions.delete(code));
    divisions.set(code, found);
  }
  return found;
}

export function useDivision(code: string | null | undefined): Division | undefined {
  const [division, setDivision] = useState<Division>();
  useEffect(() => {
    let live = true;
    setDivision(undefined);
    if (code === null || code === undefined) return;
    loadDivision(code).then(
      (d) => live && setDivision(d),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [code]);
  return division;
}

/** "清远市 连南瑶族自治县 三排镇 …村" for a division (province left out). */
export const placeName = (division: Division | undefined) =>
  division ? division.path.filter((p) => p.level !== 'province').map((p) => p.name).join(' ') : '';

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

export const formatFen = (fen: number) =>
  `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Yuan as typed (up to 2 decimals) to integer fen. */
export const yuanToFen = (yuan: number) => Math.round(yuan * 100);

export const unitLabel = (unit: string, lang: Lang) => UNIT_LABELS[unit]?.[lang === 'zh' ? 0 : 1] ?? unit;

/** A quantity of a line item: money for funds, the number and its unit otherwise. */
export function formatQuantity(item: { kind: string; unit: string }, quantity: number, lang: Lang): string {
  if (item.kind === 'funds') return formatFen(quantity);
  return `${quantity.toLocaleString('zh-CN')} ${unitLabel(item.unit, lang)}`;
}

export const formatDateTime = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—');
export const formatDate = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD') : '—');
export const todayString = () => dayjs().format('YYYY-MM-DD');

const organizationNames = new Map<string, Promise<string | undefined>>();

/**
 * The acting organization's name, which a commitment carries: from the grant, else the
 * organization's record where the API has one, else the name on its earlier commitments.
 */
export function useOrganizationName(organizationId: string | undefined, fromGrant?: string): string | undefined {
  const [name, setName] = useState<string | undefined>(fromGrant);
  useEffect(() => {
    if (fromGrant || !organizationId) return;
    let found = organizationNames.get(organizationId);
    if (!found) {
      const id = encodeURIComponent(organizationId);
      found = get<{ name?: string }>(`/api/organizations/${id}`)
        .then((org) => org.name)
        .catch(() => undefined)
        .then(async (known) => known ?? (await get<Array<{ organizationName: string }>>(`/api/organizations/${id}/commitments`).catch(() => []))[0]?.organizationName);
      organizationNames.set(organizationId, found);
    }
    let live = true;
    found.then((n) => live && setName(n));
    return () => {
      live = false;
    };
  }, [organizationId, fromGrant]);
  return fromGrant ?? name;
}

// ---------------------------------------------------------------------------------------------
// What the running API offers
// ---------------------------------------------------------------------------------------------

let documented: Promise<Record<string, unknown>> | null = null;

/**
 * Whether the running API documents `path` (its OpenAPI document, read once): a page shows a part
 * whose API another context provides only where that API is there. Undefined while it is read.
 */
export function useApiOffers(path: string): boolean | undefined {
  const [offered, setOffered] = useState<boolean>();
  useEffect(() => {
    let live = true;
    documented ??= get<{ paths?: Record<string, unknown> }>('/api/docs-json', { anonymous: true }).then(
      (doc) => doc.paths ?? {},
      () => ({}),
    );
    void documented.then((paths) => live && setOffered(path in paths));
    return () => {
      live = false;
    };
  }, [path]);
  return offered;
}

/**
 * A page's filters kept in its address (shareable, kept on reload): the search parameters, and
 * `setFilter` to change some of them (an empty value removes one); any change but the page's own
 * goes back to the first page.
 */
export function useFilterParams(): [URLSearchParams, (change: Record<string, string | undefined>) => void] {
  const [params, setParams] = useSearchParams();
  const setFilter = useCallback(
    (change: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(change)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      if (!('page' in change)) next.delete('page');
      setParams(next);
    },
    [params, setParams],
  );
  return [params, setFilter];
}
