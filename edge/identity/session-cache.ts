// Signed-in requests answered from memory: a session better-auth has verified is kept here,
// keyed by a hash of its cookie, until the sooner of its expiry and a minute. The identity
// events every edge hears (edge/identity/watch.ts) end entries at once: a ban, a role change or
// a password change ends all of that person's, a sign-out or revoke ends that session's. For a
// few seconds after such an event nothing of that person is cached, so a lookup made before
// identity_access applied the change in the database cannot put the old answer back.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { CurrentSession } from './session.ts';

/** The longest an entry lives, however long its session has left. */
const MAX_AGE_MS = 60_000;
/** After an event about a person, how long their lookups are not cached. */
const SETTLE_MS = 10_000;
const MAX_ENTRIES = 10_000;

export type SessionCache = ReturnType<typeof createSessionCache>;

/** The session cookie's value (better-auth's `…session_token`, `__Secure-` or not), if any. */
export function sessionCookie(headers: Headers): string | undefined {
  const cookie = headers.get('cookie');
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    if (name.endsWith('.session_token')) return part.slice(at + 1).trim();
  }
  return undefined;
}

export function createSessionCache({
  maxAgeMs = MAX_AGE_MS,
  settleMs = SETTLE_MS,
  now = Date.now,
}: {
  maxAgeMs?: number;
  settleMs?: number;
  now?: () => number;
} = {}) {
  const entries = new LRUCache<string, CurrentSession>({ max: MAX_ENTRIES, ttlAutopurge: false });
  /** userId or session id → the time until which lookups of it are not cached. */
  const settling = new Map<string, number>();
  /** Bumped by every event, so a lookup that began before one does not store its answer. */
  let generation = 0;

  const keyOf = (headers: Headers) => {
    const cookie = sessionCookie(headers);
    return cookie ? createHash('sha256').update(cookie).digest('base64url') : undefined;
  };

  const isSettling = (id: string) => {
    const until = settling.get(id);
    if (until === undefined) return false;
    if (until > now()) return true;
    settling.delete(id);
    return false;
  };

  const drop = (match: (s: CurrentSession) => boolean) => {
    for (const [key, s] of entries.entries()) if (match(s)) entries.delete(key);
  };

  return {
    /**
     * The cached session for these headers, or `load`'s answer (cached when it is a session,
     * never when it is none: a token that was never valid stays a database question).
     */
    async get(headers: Headers, load: () => Promise<CurrentSession | null>): Promise<CurrentSession | null> {
      const key = keyOf(headers);
      if (key === undefined) return load();
      const hit = entries.get(key);
      if (hit) {
        if (hit.session.expiresAt.getTime() > now()) return hit;
        entries.delete(key);
      }
      const before = generation;
      const found = await load();
      if (!found || before !== generation) return found;
      if (isSettling(found.user.id) || isSettling(found.session.id)) return found;
      // lru-cache reads a ttl of 0 as "forever": an entry with no time left is not kept.
      const ttl = Math.min(found.session.expiresAt.getTime() - now(), maxAgeMs);
      if (ttl > 0) entries.set(key, found, { ttl });
      return found;
    },
    /** A ban, a role change, a password change: every session of theirs is asked for again. */
    endUser(userId: string): void {
      generation++;
      settling.set(userId, now() + settleMs);
      drop((s) => s.user.id === userId);
    },
    /** A sign-out or a revoke. */
    endSession(sessionId: string): void {
      generation++;
      settling.set(sessionId, now() + settleMs);
      drop((s) => s.session.id === sessionId);
    },
    /** This request's own session (a sign-out on this edge), before better-auth ends it. */
    forget(headers: Headers): void {
      const key = keyOf(headers);
      if (key === undefined) return;
      const found = entries.get(key);
      generation++;
      if (found) settling.set(found.session.id, now() + settleMs);
      entries.delete(key);
    },
    size: () => entries.size,
  };
}
