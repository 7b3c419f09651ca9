// The chainer: follows each stream in order from where it left off, keeps every event's link
// (links and position commit in one statement, so a crash leaves neither a gap nor a wrong
// link), and appends a signed checkpoint every `every` events or `intervalMs` when anything
// is new, and on demand. It needs each message's raw bytes and headers, so it reads them on an
// ordered consumer of its own; one hub leads each stream (a leader lock, as the read models).
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import { commonErrors } from '../../contracts/errors.ts';
import { DOMAINS } from '../../contracts/subjects.ts';
import { type ChainEvent, link, type SigningKey, ZERO_LINK } from '../../writers/audit/chain.ts';
import { appendCheckpoint } from '../../writers/audit/checkpoints.ts';
import { readRaw, toChainEvent } from '../../writers/audit/read-raw.ts';
import type { StoredLinks } from '../../writers/audit/verify.ts';
import type { Log } from '../../writers/log/open.ts';
import { leaderLocks } from '../runtime/leader-locks.ts';
import { migrateSchema } from '../runtime/migrate.ts';
import { sleep } from '../runtime/sleep.ts';
import {
  AUDIT_CHAIN_SCHEMA,
  auditChainMigrations,
  lastCheckpoint,
  type Position,
  readPosition,
  recordCheckpoint,
  saveLinks,
  storedLinks,
} from './tables.ts';

export type ChainSettings = {
  /** A checkpoint after this many new events. */
  every: number;
  /** Else this long after the last one, when anything is new. */
  intervalMs: number;
};

export const DEFAULT_CHAIN_SETTINGS: ChainSettings = { every: 1000, intervalMs: 60_000 };

export type Chainer = {
  migrate: () => Promise<void>;
  start: () => void;
  stop: () => Promise<void>;
  /** A checkpoint of every stream through its current last sequence, once appended. */
  checkpointAll: (options?: { timeoutMs?: number }) => Promise<{ stream: string; seq: number }[]>;
  /** The per-event links kept for a stream (bare name). */
  links: (stream: string) => StoredLinks;
  /** How far the chain of a stream has come (0: nothing yet). */
  position: (stream: string) => Promise<number>;
};

/** The streams, bare names, AUDIT last: its checkpoint covers the others'. */
export const CHAINED: string[] = [...DOMAINS.filter((d) => d !== 'audit'), 'audit' as const].map((d) =>
  d.toUpperCase(),
);

export function createChainer({
  log,
  pool,
  db,
  key,
  logger,
  settings = DEFAULT_CHAIN_SETTINGS,
}: {
  log: Log;
  pool: pg.Pool;
  db: Kysely<unknown>;
  key: SigningKey;
  logger: Logger;
  settings?: ChainSettings;
}): Chainer {
  const controller = new AbortController();
  const running: Promise<void>[] = [];
  const locks = leaderLocks(pool.options);
  const full = (stream: string) => log.names.stream(stream.toLowerCase() as never);

  /** Signs the chain through the stream's position, unless a checkpoint already covers it. */
  async function checkpoint(db: Pick<pg.PoolClient, 'query'>, stream: string, pos: Position) {
    const prev = await lastCheckpoint(db, stream);
    if (prev && prev.seq >= pos.seq) return prev.seq;
    const now = new Date();
    const { auditSeq } = await appendCheckpoint({
      log,
      key,
      now,
      range: {
        stream,
        firstSeq: prev ? prev.seq + 1 : 1,
        anchor: prev?.link ?? ZERO_LINK,
        seq: pos.seq,
        link: pos.link,
      },
    });
    await recordCheckpoint(db, { stream, seq: pos.seq, link: pos.link, auditSeq, at: now });
    return pos.seq;
  }

  async function chain(stream: string, signal: AbortSignal) {
    const client = await pool.connect();
    // Batches and timed checkpoints take turns on the one connection.
    let turn: Promise<unknown> = Promise.resolve();
    const serial = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = turn.then(fn);
      turn = run.catch(() => undefined);
      return run;
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      let pos: Position = (await readPosition(client, stream)) ?? { seq: 0, link: ZERO_LINK, lastOther: 0 };
      const info = await log.jsm.streams.info(full(stream));
      if (info.state.messages > 0 && info.state.first_seq > pos.seq + 1) {
        // Expired before they were chained (the chainer was away longer than the retention):
        // verify reports the new start as unanchored.
        logger.warn({ stream, from: pos.seq + 1, to: info.state.first_seq - 1 }, 'events expired unchained');
        pos = { seq: info.state.first_seq - 1, link: ZERO_LINK, lastOther: 0 };
      }
      const own = log.names.audit.chain(stream);
      // Due when an event other than this stream's own checkpoint is past the last checkpoint,
      // and either `every` events are or `intervalMs` has passed since it was signed.
      const maybeCheckpoint = () =>
        serial(async () => {
          if (signal.aborted) return;
          const last = await lastCheckpoint(client, stream);
          const signed = last?.seq ?? 0;
          if (pos.lastOther <= signed) return;
          const since = Date.now() - (last?.at.getTime() ?? 0);
          if (pos.seq - signed < settings.every && since < settings.intervalMs) return;
          await checkpoint(client, stream, pos);
        });
      timer = setInterval(
        () =>
          void maybeCheckpoint().catch((err: unknown) => logger.warn({ err, stream }, 'checkpoint failed')),
        Math.min(settings.intervalMs, 1000),
      );
      for await (const batch of readRaw({
        js: log.js,
        jsm: log.jsm,
        stream: full(stream),
        fromSeq: pos.seq + 1,
        follow: true,
        signal,
      })) {
        await serial(async () => {
          const seqs: number[] = [];
          const links: Buffer[] = [];
          let prev = pos.link;
          let lastOther = pos.lastOther;
          for (const m of batch) {
            const e: ChainEvent = toChainEvent(m);
            if (e.seq <= pos.seq) continue;
            prev = link(prev, e);
            seqs.push(e.seq);
            links.push(Buffer.from(prev));
            if (e.subject !== own) lastOther = e.seq;
          }
          const last = seqs[seqs.length - 1];
          if (last === undefined) return;
          const next = { seq: last, link: prev, lastOther };
          await saveLinks(client, { stream, seqs, links, position: next });
          pos = next;
        });
        await maybeCheckpoint();
      }
    } finally {
      clearInterval(timer);
      await turn;
      client.release();
    }
  }

  async function lead(stream: string) {
    const signal = controller.signal;
    while (!signal.aborted) {
      await log.link.whenUp(signal);
      if (signal.aborted) break;
      const held = await locks.tryLead(`hearth.audit-chain.${stream}`).catch(() => null);
      if (held) {
        try {
          await chain(stream, AbortSignal.any([signal, held.lost, log.link.signal()]));
        } catch (err) {
          logger.error({ err, stream }, 'chainer stopped; restarting');
        } finally {
          await held.release();
        }
      }
      await sleep(held ? 500 : 2000, signal);
    }
  }

  async function position(stream: string) {
    return (await readPosition(pool, stream))?.seq ?? 0;
  }

  async function checkpointAll({ timeoutMs = 30_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    const out: { stream: string; seq: number }[] = [];
    for (const stream of CHAINED) {
      const target = (await log.jsm.streams.info(full(stream))).state.last_seq;
      if (target === 0) continue;
      // The leading hub (this one or another) chains up to it; then anyone may sign it.
      for (;;) {
        const pos = await readPosition(pool, stream);
        if (pos && pos.seq >= target) {
          out.push({ stream, seq: await checkpoint(pool, stream, pos) });
          break;
        }
        if (Date.now() > deadline)
          throw commonErrors.unavailable('The chain has not caught up with the log.');
        await sleep(25);
      }
    }
    return out;
  }

  return {
    migrate: () => migrateSchema({ db, schema: AUDIT_CHAIN_SCHEMA, migrations: auditChainMigrations }),
    start: () => {
      for (const stream of CHAINED) running.push(lead(stream));
    },
    stop: async () => {
      controller.abort();
      await Promise.allSettled(running);
      await locks.close();
    },
    checkpointAll,
    links: (stream) => (from, to) => storedLinks(pool, { stream, from, to }),
    position,
  };
}
