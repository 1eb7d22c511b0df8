import { useEffect, useState } from 'react';
import { fetchBlob } from '../api';

/**
 * A file of the API (fetched with the bearer token, or anonymously on public routes) as a blob URL
 * for an `<img>`: undefined until it has arrived, or with the error when it could not be fetched;
 * the URL is released when `src` changes or the component goes.
 */
export function useBlobUrl(src: string): { url?: string; error?: unknown } {
  const [state, setState] = useState<{ url?: string; error?: unknown }>({});
  useEffect(() => {
    let left = false;
    let made: string | undefined;
    setState({});
    fetchBlob(src)
      .then((blob) => {
        if (left) return;
        made = URL.createObjectURL(blob);
        setState({ url: made });
      })
      .catch((error: unknown) => !left && setState({ error }));
    return () => {
      left = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [src]);
  return state;
}
