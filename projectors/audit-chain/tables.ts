// The chainer's tables (schema audit_chain) and the reads and writes on them.
import type { Migration } from 'kysely';
import type pg from 'pg';
import * as chain20261207 from './migrations/20261207T1200_audit_chain.ts';

export const AUDIT_CHAIN_SCHEMA = 'audit_chain';
export const auditChainMigrations: Record<string, Migration> = { '20261207T1200_audit_chain': chain20261207 };

export type Position = { seq: number; link: Uint8Array; lastOther: number };
export type LastCheckpoint = { seq: number; link: Uint8Array; at: Date };

type Queryable = Pick<pg.PoolClient, 'query'>;

export async function readPosition(db: Queryable, stream: string): Promise<Position | undefined> {
  const { rows } = await db.query<{ seq: string; link: Buffer; last_other: string }>(
    'SELECT seq, link, last_other FROM audit_chain.positions WHERE stream = $1',
    [stream],
  );
  const r = rows[0];
  return r && { seq: Number(r.seq), link: r.link, lastOther: Number(r.last_other) };
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
     INSERT INTO audit_chain.positions (stream, seq, link, last_other) VALUES ($1, $4, $5, $6)
     ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, link = excluded.link, last_other = excluded.last_other`,
    [stream, seqs, links, position.seq, Buffer.from(position.link), position.lastOther],
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
