// Moves outbox rows onto the log. Woken by NOTIFY from the triggers and by a one-second poll
// (a notification can be missed while reconnecting). One relay at a time claims rows, in id
// order, so one user's facts reach the log in the order they were committed.
import { EventEmitter } from 'node:events';
import { type Kysely, sql } from 'kysely';
import pRetry from 'p-retry';
import pg from 'pg';
import type { Logger } from 'pino';
import { HEADERS } from '../../contracts/events.ts';
import type { Log } from '../../writers/log/open.ts';
import type { AuthDatabase } from './db.ts';
import { type OutboxRow, toMessage } from './outbox.ts';
import type { AuthDB } from './tables.ts';

export type Relay = {
  start: () => Promise<void>;
  stop: () => Promise<void>;
  /** The stream sequence once the row is on the log; null if it is not there within timeoutMs. */
  waitForPublished: (id: string, timeoutMs: number) => Promise<number | null>;
  /** True once every fact recorded so far about this user is on the log; false after timeoutMs. */
  settled: (userId: string, timeoutMs: number) => Promise<boolean>;
};

const CHANNEL = 'hearth_outbox';
const LOCK = 'hearth.outbox.relay';
const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
/** Published rows are kept a while for read-your-writes and inspection; the log is the record. */
const KEEP_PUBLISHED = '7 days';

export function createRelay({
  authDb,
  databaseUrl,
  log,
  logger,
  pollMs = 1000,
  batchSize = 100,
  onPublished,
}: {
  authDb: AuthDatabase;
  databaseUrl: string;
  log: Log;
  logger: Logger;
  pollMs?: number;
  batchSize?: number;
  /** Counts what reaches the log by event type (the hub's metrics). */
  onPublished?: ((typeName: string) => void) | undefined;
}): Relay {
  const signals = new EventEmitter().setMaxListeners(0);
  let stopping = false;
  let stopped = new AbortController();
  let loop: Promise<void> | undefined;
  let listener: pg.Client | undefined;

  /** Sleeps up to `ms`; an `event` (or stopping) ends the sleep early. */
  const pause = (ms: number, event?: 'wake' | 'published') =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (event) signals.off(event, done);
        signals.off('stop', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (event) signals.once(event, done);
      signals.once('stop', done);
    });

  let pruned = 0;
  async function relayOnce() {
    const outcome = await relayBatch({ db: authDb.db, log, batchSize, onPublished });
    if (outcome.published > 0) signals.emit('published');
    for (const skipped of outcome.skipped) {
      logger.error(skipped, 'outbox row could not be encoded; skipped');
    }
    if (Date.now() - pruned > PRUNE_EVERY_MS) {
      pruned = Date.now();
      await sql`DELETE FROM auth.outbox WHERE published_at < now() - ${KEEP_PUBLISHED}::interval`.execute(
        authDb.db,
      );
    }
    return outcome;
  }

  async function run(signal: AbortSignal) {
    while (!stopping) {
      // NATS or Postgres is away: nothing is lost, the rows wait in the outbox. Each round
      // starts its backoff afresh.
      const outcome = await pRetry(() => relayOnce().catch(retryable), {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: MIN_BACKOFF_MS,
        maxTimeout: MAX_BACKOFF_MS,
        signal,
        onFailedAttempt: ({ error, retriesConsumed }) => {
          const retryInMs = Math.min(MIN_BACKOFF_MS * 2 ** retriesConsumed, MAX_BACKOFF_MS);
          logger.warn({ err: error, retryInMs }, 'outbox relay could not publish; retrying');
        },
      }).catch(() => undefined); // only a stop ends the retries
      if (!outcome) return;
      if (!outcome.full) await pause(pollMs, 'wake');
    }
  }

  async function listen() {
    if (stopping) return;
    const client = new pg.Client({ connectionString: databaseUrl });
    listener = client;
    const retry = () => {
      client.removeAllListeners();
      client.end().catch(() => undefined);
      if (!stopping) setTimeout(() => void listen(), 1000);
    };
    client.on('notification', () => signals.emit('wake'));
    client.on('error', (err) => {
      logger.warn({ err }, 'outbox listener lost its connection');
      retry();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      logger.warn({ err }, 'outbox listener could not connect');
      retry();
    }
  }

  async function waitForPublished(id: string, timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await authDb.db
        .selectFrom('outbox')
        .select(['seq', 'error'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (row?.seq != null) return Number(row.seq);
      if (!row || row.error != null) return null;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      // Woken by this process's relay; polled when another process relays.
      await pause(Math.min(left, 100), 'published');
    }
  }

  async function settled(userId: string, timeoutMs: number): Promise<boolean> {
    const row = await authDb.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('user_id', '=', userId)
      .where('published_at', 'is', null)
      .executeTakeFirst();
    // Rows go out in id order: once the newest is published, so are the older ones.
    return !row?.id || (await waitForPublished(row.id, timeoutMs)) !== null;
  }

  return {
    start: async () => {
      stopping = false;
      stopped = new AbortController();
      await listen();
      loop = run(stopped.signal);
    },
    stop: async () => {
      stopping = true;
      stopped.abort();
      signals.emit('stop');
      await loop;
      await listener?.end().catch(() => undefined);
    },
    waitForPublished,
    settled,
  };
}

/**
 * Claims the oldest unpublished rows, publishes each with its outbox id as Nats-Msg-Id and
 * marks it. Rows published before a failure are marked before the failure is raised.
 */
export async function relayBatch({
  db,
  log,
  batchSize,
  onPublished,
}: {
  db: Kysely<AuthDB>;
  log: Log;
  batchSize: number;
  onPublished?: ((typeName: string) => void) | undefined;
}): Promise<{ published: number; full: boolean; skipped: { id: string; error: string }[] }> {
  const outcome = await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      ok: boolean;
    }>`SELECT pg_try_advisory_xact_lock(hashtext(${LOCK})) AS ok`.execute(trx);
    const skipped: { id: string; error: string }[] = [];
    if (rows[0]?.ok !== true) return { published: 0, full: false, skipped, failure: undefined };
    const claimed: OutboxRow[] = await trx
      .selectFrom('outbox')
      .select([
        'id',
        'type',
        'user_id',
        'payload',
        'actor_id',
        'on_behalf_of',
        'occurred_at',
        'client_ip',
        'user_agent',
      ])
      .where('published_at', 'is', null)
      .orderBy('id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    let failure: unknown;
    let published = 0;
    for (const row of claimed) {
      // The member's key, for the personal fields the row carries (made at their first fact).
      try {
        if (row.user_id) await log.keys.ready([row.user_id]);
      } catch (err) {
        failure = err;
        break;
      }
      let message: ReturnType<typeof toMessage>;
      try {
        message = toMessage(row, log.names, log.keys);
      } catch (err) {
        // A row that cannot be encoded would block every row behind it: set it aside.
        const error = err instanceof Error ? err.message : String(err);
        skipped.push({ id: row.id, error });
        await trx
          .updateTable('outbox')
          .set({ published_at: new Date(), error })
          .where('id', '=', row.id)
          .execute();
        continue;
      }
      try {
        const ack = await log.js.publish(message.subject, message.data, {
          msgID: message.msgID,
          headers: message.headers,
        });
        await trx
          .updateTable('outbox')
          .set({ published_at: new Date(), seq: ack.seq })
          .where('id', '=', row.id)
          .execute();
        published++;
        onPublished?.(message.headers.get(HEADERS.type));
      } catch (err) {
        failure = err;
        break;
      }
    }
    return { published, full: claimed.length === batchSize && failure === undefined, skipped, failure };
  });
  if (outcome.failure !== undefined) throw outcome.failure;
  return { published: outcome.published, full: outcome.full, skipped: outcome.skipped };
}

/**
 * p-retry gives up at once on a TypeError, taking it for a bug; here any failure is worth
 * another try (the loop it replaces retried everything), so one is passed on wrapped.
 */
function retryable(err: unknown): never {
  throw err instanceof Error && !(err instanceof TypeError) ? err : new Error(String(err), { cause: err });
}
