// Who may sign up, and with which role: the first account ever and the configured admin email
// become admin, everyone else member. Runs for every path that creates a user.
import { APIError } from 'better-auth/api';
import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { AuthDatabase } from './db.ts';
import type { AuthDB } from './tables.ts';

type AuthTx = Transaction<AuthDB>;

export type RegistrationPolicy = {
  adminEmail?: string | undefined;
  /** Empty means any domain. */
  allowedEmailDomains: string[];
};

export function domainAllowed(email: string, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return allowed.includes(domain);
}

export function domainRefused(): APIError {
  return APIError.from('FORBIDDEN', {
    message: 'Sign-up is limited to the family’s email domains.',
    code: 'EMAIL_DOMAIN_NOT_ALLOWED',
  });
}

function isAdminEmail(email: string, policy: RegistrationPolicy): boolean {
  return policy.adminEmail !== undefined && email.toLowerCase() === policy.adminEmail.toLowerCase();
}

/** The configured admin may sign up whatever the domain list says. */
export function mayRegister(email: string, policy: RegistrationPolicy): boolean {
  return isAdminEmail(email, policy) || domainAllowed(email, policy.allowedEmailDomains);
}

/** hooks.before on /sign-up/email: refused before any work, so nothing else is revealed. */
export function checkSignUp(body: unknown, policy: RegistrationPolicy): void {
  const { email, image } = (body ?? {}) as { email?: unknown; image?: unknown };
  if (typeof email === 'string' && !mayRegister(email, policy)) throw domainRefused();
  // An avatar is set afterwards through /api/v1/me, where it is checked and recorded.
  if (image !== undefined && image !== null) {
    throw APIError.from('BAD_REQUEST', {
      message: 'Set a picture after signing up, from your profile.',
      code: 'FIELD_NOT_ALLOWED',
    });
  }
}

/** databaseHooks.user.create.before: every path that creates a user passes here. */
export function beforeUserCreate({ policy, authDb }: { policy: RegistrationPolicy; authDb: AuthDatabase }) {
  return async (user: { email: string }) => {
    if (!mayRegister(user.email, policy)) throw domainRefused();
    if (isAdminEmail(user.email, policy)) return { data: { role: 'admin' } };
    return { data: { role: (await isFirstAccount(authDb)) ? 'admin' : 'member' } };
  };
}

/**
 * The lock is transaction-scoped and taken in the transaction that will insert the user, so
 * a second sign-up waits until the first one commits and then sees it: two simultaneous
 * first sign-ups cannot both become admin.
 */
async function isFirstAccount(authDb: AuthDatabase): Promise<boolean> {
  const check = async (trx: AuthTx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('hearth.auth.first-account'))`.execute(trx);
    const { rows } = await sql<{
      taken: boolean;
    }>`SELECT EXISTS (SELECT 1 FROM auth."user") AS taken`.execute(trx);
    return rows[0]?.taken !== true;
  };
  const current = authDb.currentTransaction();
  if (current) return check(current);
  // A path that creates users outside a transaction: lock for the check alone (weaker).
  return authDb.db.transaction().execute(check);
}
