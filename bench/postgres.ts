// Baseline: what Postgres itself takes in, UNNEST inserts of 500 rows per statement (each its
// own commit) into a table with the users read model's columns, from one connection — the
// same shape the projector has: one worker, one transaction per batch.
import pg from 'pg';
import { timed } from './lanes.ts';
import type { Measurement } from './types.ts';

// Same columns and constraints as projectors/users/migrations/20261122T1610_users.ts.
const DDL = `CREATE SCHEMA bench_raw;
CREATE TABLE bench_raw.users (
  id text PRIMARY KEY, email text NOT NULL, name text NOT NULL, image text, role text NOT NULL,
  banned boolean NOT NULL DEFAULT false, banned_until timestamptz, ban_reason text,
  registered_at timestamptz NOT NULL, last_sign_in_at timestamptz,
  sign_in_count integer NOT NULL DEFAULT 0, failed_sign_ins integer NOT NULL DEFAULT 0,
  last_seq bigint NOT NULL)`;

const INSERT = `INSERT INTO bench_raw.users (id, email, name, image, role, banned, banned_until,
  ban_reason, registered_at, last_sign_in_at, sign_in_count, failed_sign_ins, last_seq)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[],
    $7::timestamptz[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::int[], $12::int[],
    $13::bigint[])`;

export type UnnestBaseline = {
  /** Inserts rows [from, from + count) and returns the seconds it took. */
  insert: (from: number, count: number) => Promise<number>;
  measurement: (parts: { count: number; seconds: number }[]) => Measurement;
  /**
   * Inserts `rows` rows, half before `work` and half after it, so drifting load on a shared
   * host falls on the figure and its baseline alike.
   */
  around: <T>(
    rows: number,
    step: (text: string) => void,
    work: () => Promise<T>,
  ) => Promise<{ result: T; baseline: Measurement }>;
  close: () => Promise<void>;
};

export async function openUnnestBaseline({
  url,
  batchSize,
}: {
  url: string;
  batchSize: number;
}): Promise<UnnestBaseline> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(DDL);
  const now = new Date();
  const baseline: UnnestBaseline = {
    insert: async (from, count) => {
      // Parameters are built before timing: the baseline is the database, not JavaScript.
      const batches: unknown[][] = [];
      for (let start = from; start < from + count; start += batchSize) {
        const n = Math.min(batchSize, from + count - start);
        const ids = Array.from({ length: n }, (_, k) => `u${start + k}`);
        const fill = <T>(v: T) => Array.from({ length: n }, () => v);
        batches.push([
          ids,
          ids.map((id) => `${id}@family.test`),
          ids,
          fill(null),
          fill('member'),
          fill(false),
          fill(null),
          fill(null),
          fill(now),
          fill(null),
          fill(0),
          fill(0),
          ids.map((_, k) => start + k + 1),
        ]);
      }
      const { seconds } = await timed(async () => {
        for (const params of batches) await client.query(INSERT, params);
      });
      return seconds;
    },
    measurement: (parts) => {
      const count = parts.reduce((n, p) => n + p.count, 0);
      const seconds = parts.reduce((n, p) => n + p.seconds, 0);
      return {
        label: `Postgres UNNEST insert, ${batchSize} rows per commit`,
        unit: 'rows/s',
        value: count / seconds,
        count,
        seconds,
        details: { batchSize, partRates: parts.map((p) => Math.round(p.count / p.seconds)).join('/') },
      };
    },
    around: async (rows, step, work) => {
      const half = Math.floor(rows / 2);
      step('Postgres UNNEST baseline, first half');
      const before = { count: half, seconds: await baseline.insert(0, half) };
      const result = await work();
      step('Postgres UNNEST baseline, second half');
      const after = { count: rows - half, seconds: await baseline.insert(half, rows - half) };
      return { result, baseline: baseline.measurement([before, after]) };
    },
    close: () => client.end(),
  };
  return baseline;
}
