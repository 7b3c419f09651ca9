import type { Kysely } from 'kysely';
import type { FamilyDB } from './tables.ts';

/** What admins have set (null where nobody has yet), and the stream sequence it reflects. */
export type StoredFamily = {
  name: string | null;
  signUp: { mode: string; domains: string[] } | null;
};

export async function storedFamily(db: Kysely<unknown>): Promise<StoredFamily> {
  const row = await (db as Kysely<FamilyDB>)
    .withSchema('identity_family')
    .selectFrom('family')
    .selectAll()
    .where('id', '=', 'family')
    .executeTakeFirst();
  return {
    name: row?.name ?? null,
    signUp: row?.sign_up_mode ? { mode: row.sign_up_mode, domains: row.email_domains ?? [] } : null,
  };
}
