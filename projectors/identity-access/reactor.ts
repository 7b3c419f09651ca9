// A reactor, not a read model: admin decisions on the IDENTITY stream take effect in
// better-auth's tables (role, ban, sessions). Its effect is a write in the batch transaction,
// committed with its checkpoint, not a command. It writes outside its own schema, so it cannot
// be rebuilt beside itself; each change is idempotent, so a redelivery is harmless.
import { type Kysely, sql } from 'kysely';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Reactor, StoredEvent } from '../runtime/types.ts';

/** better-auth's tables live in their own Postgres schema. */
export const AUTH_SCHEMA = 'auth';
export const IDENTITY_ACCESS = 'identity_access';

const users = sql.table(`${AUTH_SCHEMA}.user`);
const sessions = sql.table(`${AUTH_SCHEMA}.session`);

/** The decisions an admin takes through the log; better-auth records the other facts itself. */
const DECISIONS = new Set(['roleChanged', 'userBanned', 'userUnbanned', 'sessionRevoked']);

export const identityAccessReactor: Reactor<unknown, IdentityEvent> = {
  name: IDENTITY_ACCESS,
  domain: 'identity',
  reads: [],
  wants: (e) => DECISIONS.has(e.event.case ?? ''),
  react: async (events, { db }) => {
    // The outbox triggers stay silent for writes that come from the log itself, or each
    // applied decision would be recorded a second time.
    await sql`SET LOCAL hearth.origin = 'log'`.execute(db);
    for (const e of events) await applyOne(db, e);
  },
};

async function applyOne(db: Kysely<unknown>, { event }: StoredEvent<IdentityEvent>): Promise<void> {
  switch (event.case) {
    case 'roleChanged': {
      const { userId, toRole } = event.value;
      await sql`UPDATE ${users} SET role = ${toRole}, "updatedAt" = now() WHERE id = ${userId}`.execute(db);
      return;
    }
    case 'userBanned': {
      const { userId, reason } = event.value;
      const ms = Number(event.value.expiresAtMs);
      const expires = ms ? new Date(ms) : null;
      await sql`
        UPDATE ${users} SET banned = true, "banReason" = ${reason || null}, "banExpires" = ${expires},
          "updatedAt" = now()
        WHERE id = ${userId}`.execute(db);
      // A ban that has already run out (a replay) ends nothing.
      if (!expires || expires.getTime() > Date.now()) {
        await sql`DELETE FROM ${sessions} WHERE "userId" = ${userId}`.execute(db);
      }
      return;
    }
    case 'userUnbanned':
      await sql`
        UPDATE ${users} SET banned = false, "banReason" = null, "banExpires" = null, "updatedAt" = now()
        WHERE id = ${event.value.userId}`.execute(db);
      return;
    case 'sessionRevoked': {
      const { userId, sessionId } = event.value;
      await sql`DELETE FROM ${sessions} WHERE id = ${sessionId} AND "userId" = ${userId}`.execute(db);
      return;
    }
    case 'userRegistered':
    case 'profileUpdated':
    case 'passwordChanged':
    case 'signedIn':
    case 'signInFailed':
    case 'signedOut':
      // Facts better-auth recorded itself: its tables already hold them.
      return;
    case 'inviteCreated':
    case 'inviteUsed':
    case 'inviteRevoked':
    case 'familyNamed':
    case 'signUpPolicySet':
    case 'apiKeyIssued':
    case 'apiKeyRevoked':
    case 'webhookRegistered':
    case 'webhookChanged':
    case 'webhookRemoved':
      // The family's settings are read from the log at sign-up (edge/identity/registration.ts).
      // An invite's role reaches better-auth's tables at sign-up, in the user's own row.
      return;
    case 'memberErased':
      // Their sign-in data goes with their key: the member_erasure reactor's work.
      return;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
