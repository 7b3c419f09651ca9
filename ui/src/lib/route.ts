// A router small enough to read in one go: the path is the state, links push history entries,
// and the edge answers every non-API path with index.html so reloads and deep links work.
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(path: string, { replace = false }: { replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const l of listeners) l();
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** The query string ("?a=1", or ""): a page whose view is shareable keeps its state there. */
export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search);
}

/** A new query for the same path: a history entry, so Back returns to the previous view. */
export function setSearch(search: string): void {
  const query = search && !search.startsWith('?') ? `?${search}` : search;
  if (query === window.location.search) return;
  window.history.pushState(null, '', `${window.location.pathname}${query}`);
  for (const l of listeners) l();
}
