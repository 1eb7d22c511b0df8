import { useSearchParams } from 'react-router';

/**
 * The audit page's tab, search and filters, kept in the address: the search parameters, and `set`
 * to change some of them (an empty value removes one); any change but the page's own goes back to
 * the first page unless `keepPage`.
 */
export function useAuditParams() {
  const [params, setParams] = useSearchParams();
  const set = (change: Record<string, string | undefined>, keepPage = false) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!keepPage && !('page' in change)) next.delete('page');
    setParams(next);
  };
  return [params, set] as const;
}
