// The chainer: follows each stream in order from where it left off, keeps every event's link
// (links and position commit in one statement, so a crash leaves neither a gap nor a wrong
// link), and appends a signed checkpoint every `every` events or `intervalMs` when anything
// is new, and on demand (checkpoint.ts). It needs each message's raw bytes and headers, so it
// reads them on an ordered consumer of its own; one hub leads each stream (a leader lock, as
// the read models). A stream that ends before the chain's position (its store lost, or an old
// backup restored) is not chained further: new events would be linked onto a chain they do
// not continue. It says so (`lost`, for /ready) until the stream is back past it.
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import { commonErrors } from '../../contracts/errors.ts';
import { DOMAINS } from '../../contracts/subjects.ts';
import { type ChainEvent, link, type SigningKey, ZERO_LINK } from '../../writers/audit/chain.ts';
import { readRaw, toChainEvent } from '../../writers/audit/read-raw.ts';
import type { StoredLinks } from '../../writers/audit/verify.ts';
import type { CheckpointsFrom } from '../../writers/audit/verify-stream.ts';
import type { Log } from '../../writers/log/open.ts';
import { leaderLocks } from '../runtime/leader-locks.ts';
import { migrateSchema } from '../runtime/migrate.ts';
import { sleep } from '../runtime/sleep.ts';
import { signCheckpoint } from './checkpoint.ts';
import {
  AUDIT_CHAIN_SCHEMA,
  auditChainMigrations,
  checkpointAuditSeq,
  type Position,
  prune,
  readPosition,
  saveLinks,
  storedLinks,
  streamCreated,
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
  /** Where on AUDIT the checkpoints a verify needs begin, by the chainer's record (a hint). */
  checkpointsFrom: (stream: string) => CheckpointsFrom;
  /** How far the chain of a stream has come (0: nothing yet). */
  position: (stream: string) => Promise<number>;
  /** The streams that end before the chain's position: the log lost their history. */
  lost: () => Promise<LostStream[]>;
};

export type LostStream = { stream: string; position: number; lastSeq: number; reason: string };

/** The stream ends before the chain's position, or was made again: the chainer stops there. */
export class StreamWentBack extends Error {
  constructor(stream: string, position: number, lastSeq: number, madeAgain = false) {
    super(
      madeAgain
        ? `${stream} was made again since the chain reached ${position} (it ends at ${lastSeq}): the log lost its history`
        : `${stream} ends at ${lastSeq}, before the chain's position ${position}: the log lost its history`,
    );
  }
}

/** Why a stream cannot be chained further, if it cannot. */
function wentBack(
  stream: string,
  pos: Position | undefined,
  info: { created: string; state: { last_seq: number } },
  created: string | undefined,
): StreamWentBack | undefined {
  if (!pos || pos.seq === 0) return undefined;
  if (info.state.last_seq < pos.seq) return new StreamWentBack(stream, pos.seq, info.state.last_seq);
  if (created !== undefined && created !== info.created)
    return new StreamWentBack(stream, pos.seq, info.state.last_seq, true);
  return undefined;
}

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

  // Takes a pooled connection per statement (or per checkpoint), none held while following.
  async function chain(stream: string, outer: AbortSignal) {
    const stop = new AbortController();
    const signal = AbortSignal.any([outer, stop.signal]);
    // Batches and timed checkpoints take turns.
    let turn: Promise<unknown> = Promise.resolve();
    const serial = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = turn.then(fn);
      turn = run.catch(() => undefined);
      return run;
    };
    let timer: NodeJS.Timeout | undefined;
    let failure: unknown;
    try {
      const kept = await readPosition(pool, stream);
      let pos: Position = kept ?? { seq: 0, link: ZERO_LINK, lastOther: 0, from: 1 };
      const info = await log.jsm.streams.info(full(stream));
      const created = info.created;
      // The stream the chain followed, as first met (kept from the first batch on).
      let followed = kept ? await streamCreated(pool, stream, created) : undefined;
      const back = wentBack(stream, kept, info, followed);
      if (back) throw back;
      if (info.state.messages > 0 && info.state.first_seq > pos.seq + 1) {
        // Expired before they were chained (the chainer was away longer than the retention):
        // the chain begins again there, and so does the next checkpoint's range.
        logger.warn({ stream, from: pos.seq + 1, to: info.state.first_seq - 1 }, 'events expired unchained');
        pos = { seq: info.state.first_seq - 1, link: ZERO_LINK, lastOther: 0, from: info.state.first_seq };
      }
      let pruned = 0;
      const own = log.names.audit.chain(stream);
      // Due when an event other than this stream's own checkpoint is past the last checkpoint,
      // and either `every` events are or `intervalMs` has passed since it was signed.
      const due = (p: Position, last: { seq: number; at: Date } | undefined) =>
        p.seq - (last?.seq ?? 0) >= settings.every ||
        Date.now() - (last?.at.getTime() ?? 0) >= settings.intervalMs;
      // What this chainer last learned of the newest checkpoint: nothing is asked of Postgres
      // or the log while it says none is due.
      let known = { seq: 0, at: new Date(0) };
      const maybeCheckpoint = () =>
        serial(async () => {
          if (signal.aborted || pos.lastOther <= known.seq || !due(pos, known)) return;
          known = await signCheckpoint({ log, pool, key, stream, due });
        });
      // Each tick: the stream still there (not recreated, not behind the chain), what expired
      // pruned, and a checkpoint when one is due.
      const tick = async () => {
        const now = await log.jsm.streams.info(full(stream));
        failure = wentBack(stream, pos, now, created);
        if (failure) {
          stop.abort();
          return;
        }
        if (now.state.messages > 0 && now.state.first_seq - 1 > pruned) {
          await prune(pool, stream, now.state.first_seq);
          pruned = now.state.first_seq - 1;
        }
        await maybeCheckpoint();
      };
      timer = setInterval(
        () => void tick().catch((err: unknown) => logger.warn({ err, stream }, 'checkpoint failed')),
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
          if (signal.aborted) return;
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
          const next = { seq: last, link: prev, lastOther, from: pos.from };
          await saveLinks(pool, { stream, seqs, links, position: next });
          pos = next;
          followed ??= await streamCreated(pool, stream, created);
        });
        await maybeCheckpoint();
      }
    } finally {
      clearInterval(timer);
      await turn;
    }
    if (failure) throw failure;
  }

  async function lead(stream: string) {
    const signal = controller.signal;
    let said = '';
    while (!signal.aborted) {
      await log.link.whenUp(signal);
      if (signal.aborted) break;
      const held = await locks.tryLead(`hearth.audit-chain.${stream}`).catch(() => null);
      if (held) {
        try {
          await chain(stream, AbortSignal.any([signal, held.lost, log.link.signal()]));
        } catch (err) {
          // Said once while it lasts: a stream that went back stays so until an operator acts.
          const text = String(err);
          if (text !== said) logger.error({ err, stream }, 'chainer stopped; restarting');
          said = text;
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
      // The leading hub (this one or another) chains up to it; then anyone may sign it, one
      // signer at a time.
      for (;;) {
        const pos = await readPosition(pool, stream);
        if (pos && pos.seq >= target) {
          // Never a checkpoint over a stream that went back behind the chain.
          const back = wentBack(stream, pos, await log.jsm.streams.info(full(stream)), pos.created);
          if (back) throw commonErrors.unavailable(back.message);
          out.push({ stream, seq: (await signCheckpoint({ log, pool, key, stream })).seq });
          break;
        }
        if (Date.now() > deadline)
          throw commonErrors.unavailable('The chain has not caught up with the log.');
        await sleep(25);
      }
    }
    return out;
  }

  async function lost() {
    const found = await Promise.all(
      CHAINED.map(async (stream): Promise<LostStream | undefined> => {
        const pos = await readPosition(pool, stream);
        if (!pos) return undefined;
        const info = await log.jsm.streams.info(full(stream));
        const back = wentBack(stream, pos, info, pos.created);
        return back && { stream, position: pos.seq, lastSeq: info.state.last_seq, reason: back.message };
      }),
    );
    return found.filter((s) => s !== undefined);
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
    checkpointsFrom: (stream) => (seq) => checkpointAuditSeq(pool, stream, seq),
    position,
    lost,
  };
}
