import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from './http.ts';

/** Loads once, and again on reload(seq): seq is a command's answer, so the read includes it. */
export function useLoad<T>(load: (seq?: number) => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async (seq?: number) => {
    const mine = ++latest.current;
    try {
      const value = await loadRef.current(seq);
      if (mine === latest.current) {
        setData(value);
        setError(null);
      }
    } catch (err) {
      if (mine === latest.current) setError(errorMessage(err));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload, setData };
}
