/** Loads a GET endpoint for a component, optionally refreshing it on an interval. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { apiGet } from '../api/client';
import { ApiError } from '../api/errors';

export interface ApiState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => Promise<void>;
}

export function useApi<T>(path: string | null, options: { auth?: boolean; intervalMs?: number } = {}): ApiState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const current = useRef(path);
  current.current = path;

  const reload = useCallback(async () => {
    if (path === null) return;
    setLoading(true);
    try {
      const answer = await apiGet<T>(path, { auth: options.auth ?? false });
      if (current.current !== path) return; // A newer request owns the state.
      setData(answer);
      setError(null);
    } catch (e) {
      if (current.current !== path) return;
      setError(e instanceof ApiError ? e : new ApiError(0, [{ code: 'error', message: String(e) }]));
    } finally {
      if (current.current === path) setLoading(false);
    }
  }, [path, options.auth]);

  useEffect(() => {
    void reload();
    if (!options.intervalMs) return;
    const timer = setInterval(() => void reload(), options.intervalMs);
    return () => clearInterval(timer);
  }, [reload, options.intervalMs]);

  return { data, error, loading, reload };
}
