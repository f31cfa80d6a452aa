import { useCallback, useEffect, useRef, useState } from 'react';
import { toUiError, type UiError } from './api';

export interface ApiState<T> {
  data: T | null;
  /** The key (request) that produced `data`; differs from the current key while a newer request runs. */
  dataKey: string | null;
  /** True when `data` is not the answer to the current request (a newer one is loading or failed). */
  stale: boolean;
  error: UiError | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `fetcher` whenever `key` changes. The last good result stays visible while a new one loads,
 * and a response is only applied if it belongs to the newest request (request ids), so a slow,
 * stale answer never overwrites a newer one. `key` null means "nothing to load".
 */
/**
 * A bundle is read-only and every engine result is deterministic for the same bundle and parameters,
 * so results are cached by key: returning to a screen shows its answer at once.
 */
const CACHE_LIMIT = 80;
const cache = new Map<string, unknown>();
function remember(key: string, value: unknown): void {
  cache.delete(key);
  cache.set(key, value);
  while (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
}

/** Requests in flight by key: a screen that asks for a result already being fetched joins that request. */
const pending = new Map<string, Promise<unknown>>();
function track<T>(key: string, request: Promise<T>): Promise<T> {
  pending.set(key, request);
  request.then(
    (value) => remember(key, value),
    () => undefined,
  );
  void request
    .finally(() => {
      if (pending.get(key) === request) pending.delete(key);
    })
    .catch(() => undefined);
  return request;
}

/**
 * Starts fetching a result the auditor is likely to open next (the Overview right after import), so the
 * screen finds it cached or in flight. Errors are left for the screen to fetch and show itself.
 */
export function prefetch<T>(key: string, fetcher: () => Promise<T>): void {
  if (cache.has(key) || pending.has(key)) return;
  track(key, fetcher()).catch(() => undefined);
}

/** `key` must be unique per call and parameters (prefix it with the method): it also keys the result cache. */
export function useApi<T>(key: string | null, fetcher: () => Promise<T>): ApiState<T> {
  const [shown, setShown] = useState<{ data: T; key: string } | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const [tick, setTick] = useState(0);
  const lastTick = useRef(0);

  useEffect(() => {
    if (key === null) {
      latest.current += 1;
      setLoading(false);
      return;
    }
    const id = ++latest.current;
    const reloading = tick !== lastTick.current;
    if (!reloading && cache.has(key)) {
      setShown({ data: cache.get(key) as T, key });
      setError(null);
      setLoading(false);
      return;
    }
    lastTick.current = tick;
    setLoading(true);
    const inFlight = reloading ? undefined : (pending.get(key) as Promise<T> | undefined);
    (inFlight ?? track(key, fetcherRef.current())).then(
      (result) => {
        if (id !== latest.current) return;
        setShown({ data: result, key });
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (id !== latest.current) return;
        setError(toUiError(e));
        setLoading(false);
      },
    );
  }, [key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const data = shown?.data ?? null;
  const dataKey = shown?.key ?? null;
  return { data, dataKey, stale: data !== null && (loading || dataKey !== key), error, loading, reload };
}
