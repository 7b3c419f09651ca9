// The family directory. A batch loads the rows it touches, folds its events over them in
// memory, and writes them back in one statement: three round trips per batch, not per event.
import { type Kysely, sql } from 'kysely';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Projection, StoredEvent } from '../types.ts';
import * as m20261122 from './migrations/20261122T1610_users.ts';
import type { UserRow, UsersDB } from './tables.ts';

type Row = Omit<UserRow, 'last_seq'> & { last_seq: number };

export const usersProjection: Projection<UsersDB, IdentityEvent> = {
  name: 'users',
  domain: 'identity',
  migrations: { '20261122T1610_users': m20261122 },
  apply: async (events, { db, schema }) => {
    const ids = [...new Set(events.map((e) => e.event.value.userId).filter(Boolean))];
    if (ids.length === 0) return;
    const existing = await db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
    const rows = new Map<string, Row>(existing.map((r) => [r.id, { ...r, last_seq: Number(r.last_seq) }]));
    const touched = new Set<string>();
    for (const e of events) {
      const id = e.event.value.userId;
      const next = evolveRow(rows.get(id), e);
      if (next) {
        rows.set(id, next);
        touched.add(id);
      }
    }
    if (touched.size > 0)
      await upsert(
        db,
        schema,
        [...touched].map((id) => rows.get(id) as Row),
      );
  },
};

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
      return undefined;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

async function upsert(db: Kysely<UsersDB>, schema: string, rows: Row[]): Promise<void> {
  const col = <K extends keyof Row>(k: K) => rows.map((r) => r[k]);
  // Raw SQL does not inherit withSchema: name the (live or rebuild) schema explicitly.
  const users = sql.table(`${schema}.users`);
  await sql`
    INSERT INTO ${users} (id, email, name, image, role, banned, banned_until, ban_reason,
      registered_at, last_sign_in_at, sign_in_count, failed_sign_ins, last_seq)
    SELECT * FROM unnest(
      ${col('id')}::text[], ${col('email')}::text[], ${col('name')}::text[], ${col('image')}::text[],
      ${col('role')}::text[], ${col('banned')}::boolean[], ${col('banned_until')}::timestamptz[],
      ${col('ban_reason')}::text[], ${col('registered_at')}::timestamptz[], ${col('last_sign_in_at')}::timestamptz[],
      ${col('sign_in_count')}::int[], ${col('failed_sign_ins')}::int[], ${col('last_seq')}::bigint[])
    ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, image = excluded.image,
      role = excluded.role, banned = excluded.banned, banned_until = excluded.banned_until,
      ban_reason = excluded.ban_reason, registered_at = excluded.registered_at,
      last_sign_in_at = excluded.last_sign_in_at, sign_in_count = excluded.sign_in_count,
      failed_sign_ins = excluded.failed_sign_ins, last_seq = excluded.last_seq`.execute(db);
}
