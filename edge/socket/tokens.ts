// WebSocket tickets: POST /api/v1/ws-token issues one, GET /ws?token= spends it. Single use,
// valid 60 s, bound to the session that asked. They live in a KV bucket with a 60 s TTL, so
// every edge process sees them, and a delete that expects the entry's revision makes spending
// atomic: of two edges racing with one ticket, exactly one wins.
import { randomBytes } from 'node:crypto';
import { StorageType } from '@nats-io/jetstream';
import { hashKey } from '../../writers/log/append.ts';
import { isWrongLastSequence } from '../../writers/log/ledger.ts';
import { toUnavailable } from '../../writers/log/link.ts';
import { type Log, openBucket } from '../../writers/log/open.ts';

export const WS_TOKEN_TTL_MS = 60_000;

export type TokenClaims = {
  userId: string;
  sessionId: string;
  /** Who acts: the admin while impersonating, else the user. */
  actorId: string;
  onBehalfOf?: string | undefined;
  role: string;
  /** Where the ticket was asked for: the socket's commands record it as where they came from. */
  clientIp?: string | undefined;
  userAgent?: string | undefined;
  issuedAt: number;
};

export type TokenStore = {
  issue: (claims: Omit<TokenClaims, 'issuedAt'>) => Promise<{ token: string; expiresAt: Date }>;
  /** The claims, once; null for an unknown, spent or expired token. */
  consume: (token: string | null | undefined) => Promise<TokenClaims | null>;
};

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export async function createTokenStore({ log }: { log: Log }): Promise<TokenStore> {
  // In memory, so a restarted server has lost it: the log's link makes it again (writers/log/upkeep.ts).
  const kv = await openBucket(log, 'ws_tokens', {
    ttl: WS_TOKEN_TTL_MS,
    history: 1,
    replicas: log.replicas,
    storage: StorageType.Memory,
  });
  return {
    issue: async (claims) => {
      const token = randomBytes(32).toString('base64url');
      const issuedAt = Date.now();
      // Only a hash is stored: reading the bucket does not hand out usable tickets. A put that
      // expects no entry, not kv.create: that one reads the key after a failed put, and a read of
      // a bucket the server lost waits for a timeout where the put was refused at once.
      const value = JSON.stringify({ ...claims, issuedAt });
      await log.link
        .reach(() => kv.put(hashKey(token), value, { previousSeq: 0 }))
        .catch((err: unknown) => {
          throw toUnavailable(err);
        });
      return { token, expiresAt: new Date(issuedAt + WS_TOKEN_TTL_MS) };
    },
    consume: async (token) => {
      if (!token || !TOKEN.test(token)) return null;
      const key = hashKey(token);
      const entry = await log.link
        .reach(() => kv.get(key))
        .catch((err: unknown) => {
          throw toUnavailable(err);
        });
      if (entry?.operation !== 'PUT' || entry.length === 0) return null;
      try {
        await log.link.reach(() => kv.delete(key, { previousSeq: entry.revision }));
      } catch (err) {
        if (isWrongLastSequence(err)) return null; // spent by someone else a moment ago
        throw toUnavailable(err);
      }
      const claims = entry.json<TokenClaims>();
      // The TTL sweeps lazily; the clock decides.
      return Date.now() - claims.issuedAt <= WS_TOKEN_TTL_MS ? claims : null;
    },
  };
}
