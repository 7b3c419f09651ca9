// The first account learns once, right after signing up, that it is the family's admin.
import type { User } from './api.ts';

const KEY = 'hearth.welcome';

export function markWelcome(user: User): void {
  sessionStorage.setItem(KEY, JSON.stringify({ id: user.id, admin: user.role === 'admin' }));
}

/** Read and forget: the welcome shows once. */
export function takeWelcome(userId: string): { admin: boolean } | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  sessionStorage.removeItem(KEY);
  try {
    const value = JSON.parse(raw) as { id?: unknown; admin?: unknown };
    return value.id === userId ? { admin: value.admin === true } : null;
  } catch {
    return null;
  }
}
