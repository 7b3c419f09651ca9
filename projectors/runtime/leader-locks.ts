// The leads this process holds, all on one database session of their own: an advisory lock
// lives as long as the session that took it, and one session can hold every read model's.
// A connection per lead would keep a pooled connection idle per read model (21 of them) in
// the leading process. When the session is lost (a database restart, a terminated backend),
// every lead on it is lost at once and each lead loop tries again on a new session.
import { setMaxListeners } from 'node:events';
import pg from 'pg';

export type Lead = {
  /** Aborts when the session holding the lock is lost: the lock is gone with it. */
  lost: AbortSignal;
  release: () => Promise<void>;
};

export type LeaderLocks = {
  /** The lock when it was free; null when another process holds it. Throws when the database is away. */
  tryLead: (key: string) => Promise<Lead | null>;
  close: () => Promise<void>;
};

type Session = {
  client: pg.Client;
  ready: Promise<void>;
  lost: AbortController;
  /** One query at a time on the session: node-postgres no longer queues them itself. */
  queue: Promise<unknown>;
};

function query<R extends pg.QueryResultRow>(
  s: Session,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  const run = s.queue.then(() => s.client.query<R>(text, values));
  s.queue = run.catch(() => undefined);
  return run;
}

export function leaderLocks(config: pg.ClientConfig): LeaderLocks {
  let current: Session | undefined;
  const forget = (s: Session, err?: Error) => {
    if (current === s) current = undefined;
    s.lost.abort(err);
  };
  const session = (): Session => {
    if (current && !current.lost.signal.aborted) return current;
    const client = new pg.Client(config);
    const ready = client.connect().then(() => undefined);
    const s: Session = { client, ready, lost: new AbortController(), queue: ready };
    // Every lead listens to it (one per read model and reactor), which is no leak.
    setMaxListeners(0, s.lost.signal);
    client.on('error', (err) => forget(s, err));
    client.on('end', () => forget(s));
    s.ready.catch((err: Error) => forget(s, err));
    current = s;
    return s;
  };
  return {
    tryLead: async (key) => {
      const s = session();
      await s.ready;
      const { rows } = await query<{ ok: boolean }>(s, 'SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
        key,
      ]);
      if (rows[0]?.ok !== true) return null;
      return {
        lost: s.lost.signal,
        release: async () => {
          if (s.lost.signal.aborted) return;
          await query(s, 'SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
        },
      };
    },
    close: async () => {
      const s = current;
      current = undefined;
      if (!s) return;
      s.lost.abort();
      await s.client.end().catch(() => undefined);
    },
  };
}
