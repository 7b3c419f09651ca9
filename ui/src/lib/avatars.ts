// Each member's avatar picture, by user id, for every Avatar on the page: the directory and
// the session fill it, and a member who changes theirs updates it at once, so the new picture
// shows everywhere (chat, profiles, the console) without a reload.
import { useSyncExternalStore } from 'react';

const images = new Map<string, string>();
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A member's picture, or null for none (their initials show). */
export function setAvatarImage(userId: string, url: string | null | undefined): void {
  const current = images.get(userId);
  if (url) {
    if (current === url) return;
    images.set(userId, url);
  } else {
    if (current === undefined) return;
    images.delete(userId);
  }
  for (const l of listeners) l();
}

export function useAvatarImage(userId: string | undefined): string | undefined {
  return useSyncExternalStore(subscribe, () => (userId ? images.get(userId) : undefined));
}
