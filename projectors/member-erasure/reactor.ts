// A member's erasure on request, carried out (contracts/proto/hearth/common/v1/personal.proto):
// when MemberErased reaches the IDENTITY stream, this reactor
//   1. destroys the member's key: everything sealed for them, on every stream and in every
//      backup of it, reads empty from now on;
//   2. removes their sign-in data from better-auth's tables (sessions, password, pending
//      verifications, the user row with its email) and their rows in the outbox, and blanks
//      their name and email in the family directory's baselines;
//   3. writes MemberErased on the chat, media, play and preferences streams, so each read model there
//      blanks what it holds of them at that point of its stream.
// Every step may run again (a crash between them redelivers the event): erasing a key twice,
// deleting what is gone, and appending an erasure already written (its own stable command id,
// and the aggregate's expected sequence) all change nothing.
import { type Kysely, sql } from 'kysely';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Appender } from '../../writers/log/append.ts';
import { ERASURE_DOMAINS, erasureAggregate } from '../../writers/log/erasure.ts';
import type { Keyring } from '../../writers/log/keys.ts';
import { AUTH_SCHEMA } from '../identity-access/reactor.ts';
import { IDENTITY_USERS } from '../identity-users/projection.ts';
import { recordErasure } from '../runtime/baseline.ts';
import { blankBaselines, type PersonalCopy } from '../runtime/erasures.ts';
import type { Reactor } from '../runtime/types.ts';

export const MEMBER_ERASURE = 'member_erasure';

const table = (name: string) => sql.table(`${AUTH_SCHEMA}.${name}`);

/**
 * What the directory (identity_users) holds of a member that its baselines (copies a rebuild
 * may start from, projectors/runtime/baseline.ts) must blank as the read model did: a rebuild
 * from one replays this erasure after it anyway, so what it builds is the same, and their name
 * and email are kept nowhere. The directory folds rows rather than blanking with
 * blankMember, so the reactor blanks its baselines, with the routine every read model uses.
 */
const DIRECTORY_COPIES: PersonalCopy[] = [
  { table: 'users', member: 'id', blank: { email: sql`''`, name: sql`''`, image: sql`NULL` } },
];

export function memberErasureReactor({
  keys,
  appender,
}: {
  keys: Pick<Keyring, 'erase'>;
  appender: Pick<Appender, 'append'>;
}): Reactor<unknown, IdentityEvent> {
  return {
    name: MEMBER_ERASURE,
    domain: 'identity',
    reads: [],
    wants: (e) => e.event.case === 'memberErased',
    react: async (events, { db, issue, logger }) => {
      // The outbox's triggers stay silent: ending the member's sessions here is no sign-out to record.
      await sql`SET LOCAL hearth.origin = 'log'`.execute(db);
      for (const e of events) {
        if (e.event.case !== 'memberErased') continue;
        const { memberId, requestedBy } = e.event.value;
        const requestedAtMs = Number(e.event.value.requestedAtMs);
        await keys.erase(memberId);
        await removeSignIn(db, memberId);
        await blankBaselines(db, IDENTITY_USERS, memberId, DIRECTORY_COPIES);
        // Where it stands on each stream: baselines taken before it are replaced (log keeper).
        await recordErasure(db, 'identity', memberId, e.seq);
        for (const domain of ERASURE_DOMAINS) {
          const appended = await issue({
            cause: e,
            key: `member-erasure:${domain}:${memberId}`,
            // The admin who carried out the erasure is its actor on every stream.
            run: (meta) =>
              appender.append({
                type: erasureAggregate(domain),
                id: memberId,
                command: { memberId, requestedBy, requestedAtMs },
                meta: { ...meta, actorId: e.actorId },
              }),
          });
          await recordErasure(db, domain, memberId, appended.seq);
        }
        logger.info({ memberId, requestedBy }, 'member erased');
      }
    },
  };
}

/**
 * Their rows in better-auth's tables and the outbox, in the batch's transaction: sessions end
 * (every edge has already refused them on hearing the event), the password goes, and the user
 * row goes with its email. Pending outbox rows go unpublished; published ones go too.
 */
export async function removeSignIn(db: Kysely<unknown>, memberId: string): Promise<void> {
  const { rows } = await sql<{ email: string }>`
    SELECT email FROM ${table('user')} WHERE id = ${memberId}`.execute(db);
  const email = rows[0]?.email;
  if (email !== undefined) {
    // Email verifications and password resets name the address or the account.
    await sql`
      DELETE FROM ${table('verification')}
      WHERE identifier = ${email} OR value = ${memberId} OR strpos(value, ${email}) > 0`.execute(db);
    // Failed sign-ins with their address that matched no account at the time.
    await sql`
      DELETE FROM ${table('outbox')}
      WHERE user_id = '' AND type = 'signInFailed' AND payload->>'email' = ${email}`.execute(db);
  }
  // Theirs, and those they opened as someone else (an admin impersonating a member).
  await sql`
    DELETE FROM ${table('session')} WHERE "userId" = ${memberId} OR "impersonatedBy" = ${memberId}`.execute(
    db,
  );
  await sql`DELETE FROM ${table('account')} WHERE "userId" = ${memberId}`.execute(db);
  await sql`DELETE FROM ${table('user')} WHERE id = ${memberId}`.execute(db);
  await sql`DELETE FROM ${table('outbox')} WHERE user_id = ${memberId}`.execute(db);
}
