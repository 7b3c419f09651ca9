// Signed-in requests answered from memory: a session better-auth has verified is kept here,
// keyed by a hash of the very cookie better-auth read, until the sooner of its expiry and a
// minute. The identity events every edge hears (edge/identity/watch.ts) end entries at once:
// a ban, an erasure, a role change or a password change ends all of that person's, a sign-out
// or revoke ends that session's. The events are also remembered for a while and trusted over the
// database, which the identity_access reactor updates a little later: a lookup made before it
// has applied a ban, a revoke or a role can neither let the old answer through nor put it back.
// While this edge cannot hear the events (NATS away), nothing is answered from memory.
// While the database is away, a session verified in the last 15 minutes is answered as it was
// last verified: the events still end it, and the person keeps working through a restart.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { isDatabaseUnavailable } from '../../projectors/runtime/pool.ts';
import type { CurrentSession } from './session.ts';

/** The longest an entry is answered without asking the database, however long its session has left. */
const MAX_AGE_MS = 60_000;
/** After an event about a person or a session, how long lookups of them are not cached. */
const SETTLE_MS = 10_000;
/** How long an event is trusted over the database (far longer than the reactor's lag). */
const REMEMBER_MS = 15 * 60_000;
/**
 * How long a verified session may still be answered while the database is away: no longer
 * than the events that could have ended it are remembered.
 */
const OUTAGE_MS = REMEMBER_MS;
const MAX_ENTRIES = 10_000;
const MAX_FACTS = 50_000;

export type SessionCache = ReturnType<typeof createSessionCache>;

/**
 * The value of the cookie named `name`, read as better-auth reads it (the first cookie of that
 * exact name); undefined when there is none, or more than one (then the database decides).
 */
export function sessionCookie(headers: Headers, name: string): string | undefined {
  const cookie = headers.get('cookie');
  if (!cookie) return undefined;
  let found: string | undefined;
  for (const part of cookie.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    if (found !== undefined) return undefined;
    found = part.slice(at + 1).trim();
  }
  return found;
}

type Fact = { bannedUntil?: number | null; role?: string; erased?: true };
/** A verified session, answered from memory until freshUntil, and after it only in an outage. */
type Entry = { found: CurrentSession; freshUntil: number };

export function createSessionCache({
  cookieName,
  maxAgeMs = MAX_AGE_MS,
  settleMs = SETTLE_MS,
  now = Date.now,
}: {
  /** better-auth's session cookie name (`__Secure-` prefixed on https). */
  cookieName: () => Promise<string>;
  maxAgeMs?: number;
  settleMs?: number;
  now?: () => number;
}) {
  // Every expiry on the one clock, read afresh each time (no cached now).
  const perf = { now };
  const clock = { perf, ttlResolution: 0 };
  const entries = new LRUCache<string, Entry>({ max: MAX_ENTRIES, ...clock });
  /** userId or session id → just changed: lookups of it are not cached for settleMs. */
  const settling = new LRUCache<string, true>({ max: MAX_FACTS, ttl: settleMs, ...clock });
  /** What the events said about people, trusted over a database that may lag them. */
  const facts = new LRUCache<string, Fact>({ max: MAX_FACTS, ttl: REMEMBER_MS, ...clock });
  /** Sessions the events ended. */
  const ended = new LRUCache<string, true>({ max: MAX_FACTS, ttl: REMEMBER_MS, ...clock });
  /** Bumped by every event, so a lookup that began before one does not store its answer. */
  let generation = 0;
  let heldAt = Number.NEGATIVE_INFINITY;
  /**
   * The database away: the reactor that writes bans and revokes into it is stopped too, and
   * will be behind for as long as the outage lasted. So what the events said is kept for
   * REMEMBER_MS after the database was last seen away, not only after the event (once a
   * second at most: it touches every fact).
   */
  const holdFacts = () => {
    if (now() - heldAt < 1000) return;
    heldAt = now();
    for (const [k, v] of facts.entries()) facts.set(k, v);
    for (const k of ended.keys()) ended.set(k, true);
  };
  let listening = true;

  const keyOf = async (headers: Headers) => {
    const cookie = sessionCookie(headers, await cookieName());
    return cookie ? createHash('sha256').update(cookie).digest('base64url') : undefined;
  };

  const drop = (match: (s: CurrentSession) => boolean) => {
    for (const [key, e] of entries.entries()) if (match(e.found)) entries.delete(key);
  };

  /** The session as the events say it is now: null when they ended it, the role they gave. */
  const asEventsSay = (s: CurrentSession): CurrentSession | null => {
    if (ended.has(s.session.id)) return null;
    const fact = facts.get(s.user.id);
    if (!fact) return s;
    if (fact.erased) return null;
    if (fact.bannedUntil !== undefined && (fact.bannedUntil === null || fact.bannedUntil > now()))
      return null;
    if (fact.role !== undefined && fact.role !== s.user.role)
      return { ...s, user: { ...s.user, role: fact.role } };
    return s;
  };

  const changed = (userId: string) => {
    generation++;
    settling.set(userId, true);
    drop((s) => s.user.id === userId);
  };

  return {
    /**
     * The session for these headers, from memory or from `load` (kept when it is a session
     * the events agree with, never when it is none: a token that was never valid stays a
     * database question).
     */
    async get(headers: Headers, load: () => Promise<CurrentSession | null>): Promise<CurrentSession | null> {
      const key = listening ? await keyOf(headers) : undefined;
      let stale: Entry | undefined;
      if (key !== undefined) {
        const hit = entries.get(key);
        if (hit && hit.found.session.expiresAt.getTime() <= now()) entries.delete(key);
        else if (hit && hit.freshUntil > now()) return asEventsSay(hit.found);
        else stale = hit;
      }
      const before = generation;
      let found: CurrentSession | null;
      try {
        found = await load();
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err;
        holdFacts();
        // The database away: the session as last verified, unless an event ended it or this
        // edge stopped hearing them meanwhile (either takes the entry away).
        if (stale && key !== undefined && entries.peek(key) === stale) return asEventsSay(stale.found);
        throw err;
      }
      // The database has answered: what it says replaces what memory kept, whatever it says.
      if (stale && key !== undefined && entries.peek(key) === stale) entries.delete(key);
      if (!found) return null;
      const current = asEventsSay(found);
      const keep =
        key !== undefined &&
        listening &&
        current === found &&
        before === generation &&
        !settling.has(found.user.id) &&
        !settling.has(found.session.id);
      // lru-cache reads a ttl of 0 as "forever": an entry with no time left is not kept.
      const ttl = Math.min(found.session.expiresAt.getTime() - now(), OUTAGE_MS);
      if (keep && ttl > 0) entries.set(key, { found, freshUntil: now() + maxAgeMs }, { ttl });
      return current;
    },
    /** A ban: refused from now until `until` (ms; null for no end), whatever the database says yet. */
    banned(userId: string, until: number | null): void {
      facts.set(userId, { ...facts.get(userId), bannedUntil: until });
      changed(userId);
    },
    unbanned(userId: string): void {
      const fact = facts.get(userId);
      if (fact) facts.set(userId, { ...fact, bannedUntil: undefined });
      changed(userId);
    },
    roleChanged(userId: string, role: string): void {
      facts.set(userId, { ...facts.get(userId), role });
      changed(userId);
    },
    /** An erasure: every session of theirs is refused from now, whatever the database says yet. */
    erased(userId: string): void {
      facts.set(userId, { ...facts.get(userId), erased: true });
      changed(userId);
    },
    /** A password or profile change: every session of theirs is asked for again. */
    endUser(userId: string): void {
      changed(userId);
    },
    /** A sign-out or a revoke: refused from now, whatever the database says yet. */
    endSession(sessionId: string): void {
      generation++;
      ended.set(sessionId, true);
      settling.set(sessionId, true);
      drop((s) => s.session.id === sessionId);
    },
    /** This request's own session (a sign-out on this edge), before better-auth ends it. */
    async forget(headers: Headers): Promise<void> {
      const key = await keyOf(headers);
      if (key === undefined) return;
      const found = entries.get(key);
      if (found) this.endSession(found.found.session.id);
      entries.delete(key);
    },
    /** While the events cannot reach this edge, nothing is answered from memory. */
    deaf(): void {
      listening = false;
      generation++;
      entries.clear();
    },
    hearing(): void {
      generation++;
      entries.clear();
      listening = true;
    },
    size: () => entries.size,
  };
}
