// Signing a stream's checkpoint, one signer at a time per stream across hubs (an advisory lock
// held for the transaction): the chainer's timed ones and on-demand ones never overlap, and
// each continues the one before it on the log: firstSeq is the previous checkpoint's seq + 1
// and anchor its link (the link the chainer kept there), or, where the chain began again (events
// expired unchained), firstSeq is where it began and the anchor is the zero link.
import type pg from 'pg';
import { type SigningKey, ZERO_LINK } from '../../writers/audit/chain.ts';
import { appendCheckpoint, decodeCheckpoint } from '../../writers/audit/checkpoints.ts';
import type { Log } from '../../writers/log/open.ts';
import {
  type LastCheckpoint,
  lastCheckpoint,
  type Position,
  readPosition,
  recordCheckpoint,
  storedLink,
} from './tables.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * The stream's newest checkpoint: the one on the log (the truth: a crash between appending it
 * and recording it leaves it only there; recorded now), or the recorded one when the log's
 * is gone (AUDIT expired).
 */
async function previous(log: Log, db: Queryable, stream: string): Promise<LastCheckpoint | undefined> {
  const recorded = await lastCheckpoint(db, stream);
  const newest = await log.jsm.direct
    .getMessage(log.names.stream('audit'), { last_by_subj: log.names.audit.chain(stream) })
    .catch(() => null);
  const onLog = newest ? decodeCheckpoint(newest.data) : undefined;
  if (!newest || !onLog || (recorded && recorded.seq >= onLog.checkpoint.seq)) return recorded;
  const found = { seq: onLog.checkpoint.seq, link: onLog.checkpoint.link, at: newest.time };
  await recordCheckpoint(db, { stream, ...found, auditSeq: newest.seq });
  return found;
}

/**
 * Signs the chain of `stream` through its position, unless nothing but the stream's own
 * checkpoints is new since the last checkpoint, or `due` says not yet. Answers the sequence
 * the newest checkpoint covers (0: none) and when it was signed.
 */
export async function signCheckpoint({
  log,
  pool,
  key,
  stream,
  due,
}: {
  log: Log;
  pool: pg.Pool;
  key: SigningKey;
  stream: string;
  due?: (pos: Position, prev: LastCheckpoint | undefined) => boolean;
}): Promise<{ seq: number; at: Date }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `hearth.audit-chain.checkpoint.${stream}`,
    ]);
    const pos = await readPosition(client, stream);
    const prev = await previous(log, client, stream);
    const signed = prev?.seq ?? 0;
    if (!pos || signed >= pos.seq || pos.lastOther <= signed || (due && !due(pos, prev))) {
      await client.query('COMMIT');
      return { seq: signed, at: prev?.at ?? new Date(0) };
    }
    const continues = prev !== undefined && prev.seq + 1 >= pos.from;
    const firstSeq = continues ? prev.seq + 1 : pos.from;
    const anchor =
      firstSeq === pos.from ? ZERO_LINK : ((await storedLink(client, stream, firstSeq - 1)) ?? prev?.link);
    if (!anchor) throw new Error(`no link kept at ${firstSeq - 1} of ${stream} to anchor a checkpoint`);
    const now = new Date();
    const { auditSeq } = await appendCheckpoint({
      log,
      key,
      now,
      range: { stream, firstSeq, anchor, seq: pos.seq, link: pos.link },
    });
    await recordCheckpoint(client, { stream, seq: pos.seq, link: pos.link, auditSeq, at: now });
    await client.query('COMMIT');
    return { seq: pos.seq, at: now };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
