// The chainer's tables (schema audit_chain) and the reads and writes on them.
import type { Migration } from 'kysely';
import type pg from 'pg';
import * as chain20261207 from './migrations/20261207T1200_audit_chain.ts';
import * as segment20270201 from './migrations/20270201T1000_segment_from.ts';

export const AUDIT_CHAIN_SCHEMA = 'audit_chain';
export const auditChainMigrations: Record<string, Migration> = {
  '20261207T1200_audit_chain': chain20261207,
  '20270201T1000_segment_from': segment20270201,
};

/**
 * Where the chain of a stream is: the last sequence chained and its link, the last that is not
 * the stream's own checkpoint, and where its unbroken run began (anchored on the zero link).
 */
export type Position = { seq: number; link: Uint8Array; lastOther: number; from: number };
/** A position as kept, with when the stream it followed was made (none yet: not recorded). */
export type KeptPosition = Position & { created: string | undefined };
export type LastCheckpoint = { seq: number; link: Uint8Array; at: Date };

type Queryable = Pick<pg.PoolClient, 'query'>;

export async function readPosition(db: Queryable, stream: string): Promise<KeptPosition | undefined> {
  const { rows } = await db.query<{
    seq: string;
    link: Buffer;
    last_other: string;
    segment_from: string;
    stream_created: string | null;
  }>(
    'SELECT seq, link, last_other, segment_from, stream_created FROM audit_chain.positions WHERE stream = $1',
    [stream],
  );
  const r = rows[0];
  return (
    r && {
      seq: Number(r.seq),
      link: r.link,
      lastOther: Number(r.last_other),
      from: Number(r.segment_from),
      created: r.stream_created ?? undefined,
    }
  );
}

/** Links and position in one statement, so they commit together. */
export async function saveLinks(
  db: Queryable,
  { stream, seqs, links, position }: { stream: string; seqs: number[]; links: Buffer[]; position: Position },
): Promise<void> {
  await db.query(
    `WITH l AS (
       INSERT INTO audit_chain.links (stream, seq, link)
       SELECT $1, s, k FROM unnest($2::bigint[], $3::bytea[]) AS t(s, k)
       ON CONFLICT (stream, seq) DO UPDATE SET link = excluded.link
     )
     INSERT INTO audit_chain.positions (stream, seq, link, last_other, segment_from)
     VALUES ($1, $4, $5, $6, $7)
     ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, link = excluded.link,
       last_other = excluded.last_other, segment_from = excluded.segment_from`,
    [stream, seqs, links, position.seq, Buffer.from(position.link), position.lastOther, position.from],
  );
}

export async function lastCheckpoint(db: Queryable, stream: string): Promise<LastCheckpoint | undefined> {
  const { rows } = await db.query<{ seq: string; link: Buffer; at: Date }>(
    'SELECT seq, link, at FROM audit_chain.checkpoints WHERE stream = $1 ORDER BY seq DESC LIMIT 1',
    [stream],
  );
  const r = rows[0];
  return r && { seq: Number(r.seq), link: r.link, at: r.at };
}

/** The AUDIT sequence of the newest checkpoint recorded at or before a stream's `seq` (where verify reads from). */
export async function checkpointAuditSeq(
  db: Queryable,
  stream: string,
  seq: number,
): Promise<number | undefined> {
  const { rows } = await db.query<{ audit_seq: string }>(
    'SELECT audit_seq FROM audit_chain.checkpoints WHERE stream = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1',
    [stream, seq],
  );
  return rows[0] ? Number(rows[0].audit_seq) : undefined;
}

export async function recordCheckpoint(
  db: Queryable,
  c: { stream: string; seq: number; link: Uint8Array; auditSeq: number; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO audit_chain.checkpoints (stream, seq, link, audit_seq, at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (stream, seq) DO NOTHING`,
    [c.stream, c.seq, Buffer.from(c.link), c.auditSeq, c.at],
  );
}

export async function storedLinks(
  db: Queryable,
  { stream, from, to }: { stream: string; from: number; to: number },
): Promise<Map<number, Uint8Array>> {
  const { rows } = await db.query<{ seq: string; link: Buffer }>(
    'SELECT seq, link FROM audit_chain.links WHERE stream = $1 AND seq BETWEEN $2 AND $3',
    [stream, from, to],
  );
  return new Map(rows.map((r) => [Number(r.seq), r.link]));
}

/** The link the chainer kept for one event of a stream. */
export async function storedLink(
  db: Queryable,
  stream: string,
  seq: number,
): Promise<Uint8Array | undefined> {
  return (await storedLinks(db, { stream, from: seq, to: seq })).get(seq);
}

/**
 * Forgets what no verify or checkpoint needs once a stream's events before `firstSeq` expired:
 * links before the one anchoring the first retained event (link(firstSeq - 1)) and before the
 * newest checkpoint's (the next checkpoint's anchor), and every checkpoint but the newest before
 * that anchor.
 */
export async function prune(db: Queryable, stream: string, firstSeq: number): Promise<void> {
  await db.query(
    `DELETE FROM audit_chain.links WHERE stream = $1 AND seq < LEAST($2::bigint,
       COALESCE((SELECT max(seq) FROM audit_chain.checkpoints WHERE stream = $1), 0))`,
    [stream, firstSeq - 1],
  );
  await db.query(
    `DELETE FROM audit_chain.checkpoints WHERE stream = $1 AND seq < $2::bigint
       AND seq < (SELECT max(seq) FROM audit_chain.checkpoints WHERE stream = $1)`,
    [stream, firstSeq - 1],
  );
}

/** When the stream the chain follows was made; set when the chain first meets it. */
export async function streamCreated(db: Queryable, stream: string, created: string): Promise<string> {
  const { rows } = await db.query<{ stream_created: string }>(
    `UPDATE audit_chain.positions SET stream_created = COALESCE(stream_created, $2)
     WHERE stream = $1 RETURNING stream_created`,
    [stream, created],
  );
  return rows[0]?.stream_created ?? created;
}
