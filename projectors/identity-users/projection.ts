// The family directory. A batch folds its events per account into what it changes, then
// writes everything in one statement, with no read of the rows first: an account the batch
// registers gets the row the batch builds for it, unless it already exists; an existing
// account gets the batch's changes applied in place. Being one statement, the live worker
// can send it together with BEGIN and COMMIT (see batchStatement in ../types.ts).
import { type CompiledQuery, sql } from 'kysely';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { booleanArray, numberArray, textArray, timestampArray } from '../runtime/arrays.ts';
import type { Projection, ProjectionContext, StoredEvent } from '../runtime/types.ts';
import * as m20261122 from './migrations/20261122T1610_users.ts';
import type { UserRow, UsersDB } from './tables.ts';

export type Row = Omit<UserRow, 'last_seq'> & { last_seq: number };

/**
 * What a batch does to an account that already has a row: fields it sets (absent: left as
 * they are) and counters it adds to. It must agree with evolveRow event by event; the UPDATE
 * in statement() applies it.
 */
export type Patch = {
  id: string;
  /** The batch also builds a row for the account: patch it only if a row existed before. */
  created?: true;
  last_seq: number;
  role?: string;
  /** The three ban columns move together. */
  ban?: true;
  banned?: boolean;
  banned_until?: Date | null;
  ban_reason?: string | null;
  name?: string;
  image_set?: true;
  image?: string | null;
  last_sign_in_at?: Date;
  sign_ins?: number;
  failed?: number;
};

type Account = { patch: Patch; created: Row | undefined };

export const identityUsersProjection: Projection<UsersDB, IdentityEvent> = {
  name: 'identity_users',
  domain: 'identity',
  migrations: { '20261122T1610_users': m20261122 },
  apply: async (events, ctx) => {
    const statement = compile(events, ctx, false);
    if (statement) await ctx.db.executeQuery(statement);
  },
  // The live worker's fast path has no answer for a repeated registration: the plain INSERT
  // fails, and the batch takes apply instead.
  batchStatement: (events, ctx) => compile(events, ctx, true),
};

function compile(
  events: StoredEvent<IdentityEvent>[],
  { db, schema }: ProjectionContext<UsersDB>,
  lean: boolean,
): CompiledQuery | null {
  const accounts = new Map<string, Account>();
  for (const e of events) {
    // Invites are identity_invites' (an invite's use names its account, but changes no row).
    if (!('userId' in e.event.value) || isInviteEvent(e)) continue;
    const id = e.event.value.userId;
    let account = accounts.get(id);
    if (!account) {
      account = { patch: { id, last_seq: 0 }, created: undefined };
      accounts.set(id, account);
    }
    evolvePatch(account.patch, e);
    // The row this batch creates if the account has none yet: facts before its
    // registration are ignored, as evolveRow ignores facts about unknown accounts.
    account.created = evolveRow(account.created, e) ?? account.created;
  }
  const patches: Patch[] = [];
  const created: Row[] = [];
  for (const { patch, created: row } of accounts.values()) {
    if (row) {
      created.push(row);
      patch.created = true;
      if (lean) continue;
    }
    // No account has an empty id: a sign-in failure for an unknown email carries one.
    if (patch.last_seq > 0 && patch.id !== '') patches.push(patch);
  }
  if (patches.length === 0 && created.length === 0) return null;
  return statement(schema, patches, created, lean).compile(db);
}

export function evolveRow(row: Row | undefined, e: StoredEvent<IdentityEvent>): Row | undefined {
  const { event } = e;
  const at = { last_seq: e.seq };
  if (event.case === 'userRegistered') {
    const v = event.value;
    return {
      id: v.userId,
      email: v.email,
      name: v.name,
      image: null,
      role: v.role,
      banned: false,
      banned_until: null,
      ban_reason: null,
      registered_at: e.occurredAt,
      last_sign_in_at: null,
      sign_in_count: 0,
      failed_sign_ins: 0,
      ...row,
      ...at,
    };
  }
  if (!row) return undefined; // sign-in failures for unknown emails, or facts before registration
  switch (event.case) {
    case 'roleChanged':
      return { ...row, role: event.value.toRole, ...at };
    case 'userBanned': {
      const ms = Number(event.value.expiresAtMs);
      return {
        ...row,
        banned: true,
        banned_until: ms ? new Date(ms) : null,
        ban_reason: event.value.reason,
        ...at,
      };
    }
    case 'userUnbanned':
      return { ...row, banned: false, banned_until: null, ban_reason: null, ...at };
    case 'profileUpdated':
      return {
        ...row,
        name: event.value.name ?? row.name,
        image: event.value.image === undefined ? row.image : event.value.image || null,
        ...at,
      };
    case 'signedIn':
      return { ...row, last_sign_in_at: e.occurredAt, sign_in_count: row.sign_in_count + 1, ...at };
    case 'signInFailed':
      return { ...row, failed_sign_ins: row.failed_sign_ins + 1, ...at };
    case 'passwordChanged':
    case 'signedOut':
    case 'sessionRevoked':
    case 'inviteCreated':
    case 'inviteUsed':
    case 'inviteRevoked':
    case 'familyNamed':
    case 'signUpPolicySet':
      return undefined;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

function isInviteEvent(e: StoredEvent<IdentityEvent>): boolean {
  const kind = e.event.case;
  return kind === 'inviteCreated' || kind === 'inviteUsed' || kind === 'inviteRevoked';
}

/** evolveRow for a row that exists but is not read: records the change instead of making it. */
export function evolvePatch(p: Patch, e: StoredEvent<IdentityEvent>): void {
  const { event } = e;
  switch (event.case) {
    case 'userRegistered':
      break; // an existing account keeps its row
    case 'roleChanged':
      p.role = event.value.toRole;
      break;
    case 'userBanned': {
      const ms = Number(event.value.expiresAtMs);
      p.ban = true;
      p.banned = true;
      p.banned_until = ms ? new Date(ms) : null;
      p.ban_reason = event.value.reason;
      break;
    }
    case 'userUnbanned':
      p.ban = true;
      p.banned = false;
      p.banned_until = null;
      p.ban_reason = null;
      break;
    case 'profileUpdated':
      if (event.value.name !== undefined) p.name = event.value.name;
      if (event.value.image !== undefined) {
        p.image_set = true;
        p.image = event.value.image || null;
      }
      break;
    case 'signedIn':
      p.last_sign_in_at = e.occurredAt;
      p.sign_ins = (p.sign_ins ?? 0) + 1;
      break;
    case 'signInFailed':
      p.failed = (p.failed ?? 0) + 1;
      break;
    case 'passwordChanged':
    case 'signedOut':
    case 'sessionRevoked':
    case 'inviteCreated':
    case 'inviteUsed':
    case 'inviteRevoked':
    case 'familyNamed':
    case 'signUpPolicySet':
      return; // changes nothing, not even last_seq
    default: {
      const unreachable: never = event;
      throw new Error(`unknown identity event ${String(unreachable)}`);
    }
  }
  p.last_seq = e.seq;
}

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
function statement(schema: string, patches: Patch[], created: Row[], lean: boolean) {
  // Raw SQL does not inherit withSchema: name the (live or rebuild) schema explicitly.
  const users = sql.table(`${schema}.users`);
  const r = columns(created);
  const p = columns(patches);
  return sql`
    WITH inserted AS (
      INSERT INTO ${users} (id, email, name, image, role, banned, banned_until, ban_reason,
        registered_at, last_sign_in_at, sign_in_count, failed_sign_ins, last_seq)
      SELECT * FROM unnest(${r.text((x) => x.id)}, ${r.text((x) => x.email)}, ${r.text((x) => x.name)},
        ${r.text((x) => x.image)}, ${r.text((x) => x.role)}, ${r.bool((x) => x.banned)},
        ${r.time((x) => x.banned_until)}, ${r.text((x) => x.ban_reason)}, ${r.time((x) => x.registered_at)},
        ${r.time((x) => x.last_sign_in_at)}, ${r.int((x) => x.sign_in_count)},
        ${r.int((x) => x.failed_sign_ins)}, ${r.bigint((x) => x.last_seq)})
      ${lean ? sql`` : sql`ON CONFLICT (id) DO NOTHING RETURNING id`}
    )
    UPDATE ${users} u SET
      role = coalesce(p.role, u.role),
      banned = CASE WHEN p.ban THEN p.banned ELSE u.banned END,
      banned_until = CASE WHEN p.ban THEN p.banned_until ELSE u.banned_until END,
      ban_reason = CASE WHEN p.ban THEN p.ban_reason ELSE u.ban_reason END,
      name = coalesce(p.name, u.name),
      image = CASE WHEN p.image_set THEN p.image ELSE u.image END,
      last_sign_in_at = coalesce(p.last_sign_in_at, u.last_sign_in_at),
      sign_in_count = u.sign_in_count + coalesce(p.sign_ins, 0),
      failed_sign_ins = u.failed_sign_ins + coalesce(p.failed, 0),
      last_seq = p.last_seq
    FROM unnest(${p.text((x) => x.id)}, ${p.bool((x) => x.created)}, ${p.bigint((x) => x.last_seq)},
      ${p.text((x) => x.role)}, ${p.bool((x) => x.ban)}, ${p.bool((x) => x.banned)},
      ${p.time((x) => x.banned_until)}, ${p.text((x) => x.ban_reason)}, ${p.text((x) => x.name)},
      ${p.bool((x) => x.image_set)}, ${p.text((x) => x.image)}, ${p.time((x) => x.last_sign_in_at)},
      ${p.int((x) => x.sign_ins)}, ${p.int((x) => x.failed)})
      AS p(id, created, last_seq, role, ban, banned, banned_until, ban_reason, name, image_set,
        image, last_sign_in_at, sign_ins, failed)
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
