// The users projection's one statement: the rows a batch registers, and the patches for the
// rows it changes (see projection.ts).
import { sql } from 'kysely';
import { booleanArray, numberArray, textArray, timestampArray } from '../runtime/arrays.ts';
import type { Patch, Row } from './projection.ts';

/**
 * One statement. The INSERT adds the rows of accounts registered in this batch, unless they
 * exist; the UPDATE patches the accounts that existed before the statement: those the batch
 * did not register, and any it registered again. Both read the statement's snapshot, so the
 * UPDATE cannot see the inserted rows; it skips them to spare their index probes.
 *
 * Lean, it assumes no account the batch registers exists: a plain INSERT, which fails if one
 * does, and patches for the other accounts only. A repeated registration is rare, and the
 * speculative insertion and the patches that only serve it cost a third of the statement.
 *
 * Each account to patch is found by its own index probe (a LIMIT 1 subquery per id), and its
 * row by the ctid that probe read: a table filled in bulk has no statistics yet, and a plain
 * join on id then hashes a full scan of it, slower with every batch. (Do not add u.id = p.id:
 * the planner takes that as the join and is back to the full scan.) The live worker is the
 * only writer of the schema (the checkpoint lock serialises it with rebuilds), so the ctid is
 * current; were it not, the UPDATE would skip that row, never touch another.
 */
export function statement(schema: string, patches: Patch[], created: Row[], lean: boolean) {
  // Raw SQL does not inherit withSchema: name the (live or rebuild) schema explicitly.
  const users = sql.table(`${schema}.users`);
  const r = columns(created);
  const p = columns(patches);
  return sql`
    WITH inserted AS (
      INSERT INTO ${users} (id, email, name, image, role, banned, banned_until, ban_reason,
        registered_at, last_sign_in_at, sign_in_count, failed_sign_ins, erased_at, last_seq)
      SELECT * FROM unnest(${r.text((x) => x.id)}, ${r.text((x) => x.email)}, ${r.text((x) => x.name)},
        ${r.text((x) => x.image)}, ${r.text((x) => x.role)}, ${r.bool((x) => x.banned)},
        ${r.time((x) => x.banned_until)}, ${r.text((x) => x.ban_reason)}, ${r.time((x) => x.registered_at)},
        ${r.time((x) => x.last_sign_in_at)}, ${r.int((x) => x.sign_in_count)},
        ${r.int((x) => x.failed_sign_ins)}, ${r.time((x) => x.erased_at)}, ${r.bigint((x) => x.last_seq)})
      ${lean ? sql`` : sql`ON CONFLICT (id) DO NOTHING RETURNING id`}
    )
    UPDATE ${users} u SET
      role = coalesce(p.role, u.role),
      banned = CASE WHEN p.ban THEN p.banned ELSE u.banned END,
      banned_until = CASE WHEN p.ban THEN p.banned_until ELSE u.banned_until END,
      ban_reason = CASE WHEN p.ban THEN p.ban_reason ELSE u.ban_reason END,
      -- Erased (in this batch or before it): no name, email or image from then on.
      email = CASE WHEN p.erased_at IS NOT NULL THEN '' ELSE u.email END,
      name = CASE WHEN p.erased_at IS NOT NULL THEN '' WHEN u.erased_at IS NOT NULL THEN u.name
        ELSE coalesce(p.name, u.name) END,
      image = CASE WHEN p.erased_at IS NOT NULL THEN NULL WHEN u.erased_at IS NOT NULL THEN u.image
        WHEN p.image_set THEN p.image ELSE u.image END,
      erased_at = coalesce(u.erased_at, p.erased_at),
      last_sign_in_at = coalesce(p.last_sign_in_at, u.last_sign_in_at),
      sign_in_count = u.sign_in_count + coalesce(p.sign_ins, 0),
      failed_sign_ins = u.failed_sign_ins + coalesce(p.failed, 0),
      last_seq = p.last_seq
    FROM unnest(${p.text((x) => x.id)}, ${p.bool((x) => x.created)}, ${p.bigint((x) => x.last_seq)},
      ${p.text((x) => x.role)}, ${p.bool((x) => x.ban)}, ${p.bool((x) => x.banned)},
      ${p.time((x) => x.banned_until)}, ${p.text((x) => x.ban_reason)}, ${p.text((x) => x.name)},
      ${p.bool((x) => x.image_set)}, ${p.text((x) => x.image)}, ${p.time((x) => x.last_sign_in_at)},
      ${p.int((x) => x.sign_ins)}, ${p.int((x) => x.failed)}, ${p.time((x) => x.erased_at)})
      AS p(id, created, last_seq, role, ban, banned, banned_until, ban_reason, name, image_set,
        image, last_sign_in_at, sign_ins, failed, erased_at)
    CROSS JOIN LATERAL (SELECT ctid AS tid FROM ${users} WHERE id = p.id LIMIT 1) hit
    WHERE ${lean ? sql`` : sql`(p.created IS NULL OR p.id NOT IN (SELECT id FROM inserted)) AND`}
      u.ctid = hit.tid`;
}

/** One UNNEST argument per column, typed, read straight off the rows (see arrays.ts). */
function columns<T>(rows: T[]) {
  type Get<V> = (row: T) => V | null | undefined;
  return {
    text: (get: Get<string>) => sql`${textArray(rows, get)}::text[]`,
    bool: (get: Get<boolean>) => sql`${booleanArray(rows, get)}::boolean[]`,
    time: (get: Get<Date>) => sql`${timestampArray(rows, get)}::timestamptz[]`,
    int: (get: Get<number>) => sql`${numberArray(rows, get)}::int[]`,
    bigint: (get: Get<number>) => sql`${numberArray(rows, get)}::bigint[]`,
  };
}
