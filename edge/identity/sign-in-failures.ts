// A failed sign-in writes nothing to better-auth's tables, so no trigger sees it: the
// after-hook records it in the outbox itself.
import { sql } from 'kysely';
import { domainOf } from '../../writers/identity/email-domain.ts';
import type { AuthDatabase } from './db.ts';

export async function recordSignInFailure({
  email,
  ipAddress,
  reason,
  authDb,
}: {
  email: string;
  ipAddress: string;
  reason: string;
  authDb: AuthDatabase;
}): Promise<void> {
  const normalized = email.trim().toLowerCase().slice(0, 320);
  const user = await authDb.db
    .selectFrom('user')
    .select('id')
    .where('email', '=', normalized)
    .executeTakeFirst();
  const userId = user?.id ?? '';
  // An account's address is sealed under its key (personal.proto); an address that matches no
  // account (a stranger's, or an erased member's) would be written in the clear: only its
  // domain is kept.
  const payload = { userId, email: userId ? normalized : domainOf(normalized), ipAddress, reason };
  // In a transaction of its own: the one the request's origin is marked in (write-origin.ts).
  await authDb.db
    .transaction()
    .execute((trx) =>
      sql`SELECT auth.outbox_record('signInFailed', ${userId}, ${JSON.stringify(payload)}::jsonb, ${userId}, '')`.execute(
        trx,
      ),
    );
}
