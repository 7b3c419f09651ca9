import type { Kysely, Selectable } from 'kysely';
import type { AdminUser } from '../../contracts/identity.api.ts';
import type { UserRow, UsersDB } from './tables.ts';

/** An account as the directory holds it: the admin's user list answers exactly this. */
export type DirectoryEntry = AdminUser;

/** Banned, and the ban has not run out: such a person takes part in nothing new. */
export function isBanned(user: Pick<DirectoryEntry, 'banned' | 'bannedUntil'>, now = Date.now()): boolean {
  return user.banned && (user.bannedUntil === null || Date.parse(user.bannedUntil) > now);
}

const toEntry = (r: Selectable<UserRow>): DirectoryEntry => ({
  id: r.id,
  email: r.email,
  name: r.name,
  image: r.image,
  role: r.role,
  banned: r.banned,
  bannedUntil: r.banned_until?.toISOString() ?? null,
  banReason: r.banned ? r.ban_reason : null,
  registeredAt: r.registered_at.toISOString(),
  lastSignInAt: r.last_sign_in_at?.toISOString() ?? null,
  signInCount: r.sign_in_count,
  erasedAt: r.erased_at?.toISOString() ?? null,
});

export async function listUsers(db: Kysely<unknown>): Promise<DirectoryEntry[]> {
  const rows = await (db as Kysely<UsersDB>)
    .withSchema('identity_users')
    .selectFrom('users')
    .selectAll()
    .orderBy('registered_at')
    .execute();
  return rows.map(toEntry);
}

export async function findUser(db: Kysely<unknown>, id: string): Promise<DirectoryEntry | undefined> {
  const row = await (db as Kysely<UsersDB>)
    .withSchema('identity_users')
    .selectFrom('users')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toEntry(row);
}
