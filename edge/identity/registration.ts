// Who may sign up, and with which role. The first account ever and the configured admin email
// become admin. After the first account, the way in is an invite (its role, one of its uses
// taken), an allowed email domain, or open sign-up (those two as member). Runs for every path
// that creates a user. Once an admin has chosen a sign-up policy (the family aggregate on the
// log), it replaces the hub's settings, which are only the defaults.
import { APIError } from 'better-auth/api';
import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import { HearthError } from '../../contracts/errors.ts';
import { identityErrors } from '../../writers/identity/errors.ts';
import type { SignUpPolicy } from '../../writers/identity/family.ts';
import { admitting, type OpenedInvite } from '../../writers/identity/invite.ts';
import { INVITE_TOKEN, inviteIdOf } from '../../writers/identity/invite-token.ts';
import { relayedClientIp } from '../http/client-address.ts';
import { cleanUserAgent } from '../http/user-agent.ts';
import { unstorableField, unstorableMessage } from '../http/validate.ts';
import type { AuthDatabase } from './db.ts';
import type { InviteBook } from './invites.ts';
import type { AuthDB } from './tables.ts';

type AuthTx = Transaction<AuthDB>;

export type RegistrationPolicy = {
  adminEmail?: string | undefined;
  /** Domains whose addresses may sign up without an invite (none: an invite is needed). */
  allowedEmailDomains: string[];
  /** HEARTH_OPEN_SIGNUP: anyone who reaches the hub may sign up, without an invite. */
  openSignup?: boolean | undefined;
  /** The policy an admin chose, read from the log at each sign-up (null: none chosen yet). */
  chosenSignUp?: (() => Promise<SignUpPolicy | null>) | undefined;
};

/** The hub's settings as a policy: what applies until an admin chooses one. */
export function hubSignUp(policy: RegistrationPolicy): SignUpPolicy {
  if (policy.openSignup) return { mode: 'open', domains: [] };
  if (policy.allowedEmailDomains.length > 0) return { mode: 'domains', domains: policy.allowedEmailDomains };
  return { mode: 'invites', domains: [] };
}

/** The policy that applies now: the admin's choice when there is one, else the hub's settings. */
export async function currentPolicy(policy: RegistrationPolicy): Promise<RegistrationPolicy> {
  const chosen = await policy.chosenSignUp?.();
  if (!chosen) return policy;
  return {
    adminEmail: policy.adminEmail,
    allowedEmailDomains: chosen.mode === 'domains' ? chosen.domains : [],
    openSignup: chosen.mode === 'open',
  };
}

/** True when the address is in one of the domains (any domain when none are listed). */
export function domainAllowed(email: string, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return allowed.includes(domain);
}

export function domainRefused(): APIError {
  return APIError.from('FORBIDDEN', {
    message: 'Sign-up is limited to the family’s email domains, or to an invite from its admin.',
    code: 'EMAIL_DOMAIN_NOT_ALLOWED',
  });
}

function inviteRequired(status: 'FORBIDDEN' | 'CONFLICT'): APIError {
  return APIError.from(status, {
    message: 'Joining this family needs an invite: ask its admin for a link.',
    code: 'INVITE_REQUIRED',
  });
}

function isAdminEmail(email: string, policy: RegistrationPolicy): boolean {
  return policy.adminEmail !== undefined && email.toLowerCase() === policy.adminEmail.toLowerCase();
}

/** How someone signing up may get in, before the invite or the accounts are read. */
export type Entry =
  | { by: 'adminEmail' }
  | { by: 'invite'; inviteId: string }
  /** Open sign-up or an allowed domain: member, or admin as the first account. */
  | { by: 'policy' }
  /** Nothing lets them in, unless theirs is the first account. */
  | { by: 'firstAccount' }
  | { by: 'refused' };

export function entryFor({
  email,
  invite,
  policy,
}: {
  email: string;
  invite: string | undefined;
  policy: RegistrationPolicy;
}): Entry {
  if (isAdminEmail(email, policy)) return { by: 'adminEmail' };
  // A link that cannot be a token names no invite: hashing it finds nothing.
  if (invite !== undefined) return { by: 'invite', inviteId: inviteIdOf(invite) };
  if (policy.openSignup) return { by: 'policy' };
  const domains = policy.allowedEmailDomains;
  if (domains.length > 0) return domainAllowed(email, domains) ? { by: 'policy' } : { by: 'refused' };
  return { by: 'firstAccount' };
}

/** The invite token a sign-up body carries (`invite`, from the link's ?invite=), if any. */
export function inviteIn(body: unknown): string | undefined {
  const invite =
    typeof body === 'object' && body !== null ? (body as { invite?: unknown }).invite : undefined;
  if (invite === undefined || invite === null || invite === '') return undefined;
  // Not a token: its hash names no invite, so it is refused as unknown like any wrong link.
  return typeof invite === 'string' && INVITE_TOKEN.test(invite) ? invite : 'not-a-token';
}

/** The invite's refusal (identity.invite_expired, …) as better-auth's error, with our code. */
function inviteRefused(err: unknown, status: 'FORBIDDEN' | 'CONFLICT'): unknown {
  if (!(err instanceof HearthError)) return err;
  // A use lost to a concurrent sign-up comes back as a conflict naming the refusal.
  const reason = err.code === 'conflict' ? String(err.details?.reason ?? '') : err.code;
  if (!reason.startsWith('identity.invite_')) {
    if (err.code !== 'conflict') return err; // the log is away: not the invite's fault
    return APIError.from('CONFLICT', {
      message: 'Many people are signing up at once; try again.',
      code: 'INVITE_BUSY',
    });
  }
  const message = err.code === 'conflict' ? err.message.replace(/^Changed concurrently: /, '') : err.message;
  return APIError.from(status, { message, code: reason.slice('identity.'.length).toUpperCase() });
}

/** As updateProfileBody bounds a name changed later. */
const NAME_MAX_LENGTH = 100;

/**
 * hooks.before on /sign-up/email: refused before any work, so a stranger learns nothing else
 * (not even whether the email has an account). The database hook below decides for good.
 */
export async function checkSignUp({
  body,
  policy,
  invites,
  authDb,
}: {
  body: unknown;
  policy: RegistrationPolicy;
  invites: InviteBook;
  authDb: AuthDatabase;
}): Promise<void> {
  const { email, image, name } = (body ?? {}) as { email?: unknown; image?: unknown; name?: unknown };
  // The log's boundary holds here too: what a read model cannot store, or a name longer than
  // a profile's (PATCH /me), never reaches the outbox.
  const field = unstorableField(body);
  if (field !== undefined)
    throw APIError.from('BAD_REQUEST', { message: unstorableMessage(field), code: 'INVALID_FIELD' });
  if (typeof name === 'string' && [...name].length > NAME_MAX_LENGTH) {
    throw APIError.from('BAD_REQUEST', {
      message: `A name is at most ${NAME_MAX_LENGTH} characters.`,
      code: 'NAME_TOO_LONG',
    });
  }
  // An avatar is set afterwards through /api/v1/me, where it is checked and recorded.
  if (image !== undefined && image !== null) {
    throw APIError.from('BAD_REQUEST', {
      message: 'Set a picture after signing up, from your profile.',
      code: 'FIELD_NOT_ALLOWED',
    });
  }
  if (typeof email !== 'string') return;
  const entry = entryFor({ email, invite: inviteIn(body), policy: await currentPolicy(policy) });
  if (entry.by === 'refused') throw domainRefused();
  if (entry.by === 'invite') {
    try {
      await openInvite({ invites, authDb, inviteId: entry.inviteId });
    } catch (err) {
      throw inviteRefused(err, 'FORBIDDEN');
    }
  }
  if (entry.by === 'firstAccount' && (await anyAccount(authDb))) throw inviteRequired('FORBIDDEN');
}

/**
 * databaseHooks for user.create.before and account.create.before: every path that creates a
 * user passes here. The role is decided before the user's row is written; an invite's use is
 * taken after it (the email is then known to be free), in the same transaction: a use lost to
 * a concurrent sign-up rolls the account back. Refusals here are races lost after the check
 * above, answered 409 (a 403 from this hook would be hidden behind the generic answer
 * better-auth gives when email verification is on).
 */
export function registrationHooks({
  policy,
  authDb,
  invites,
}: {
  policy: RegistrationPolicy;
  authDb: AuthDatabase;
  invites: InviteBook;
}) {
  // The invite a sign-up in progress was admitted by, keyed by its endpoint context.
  const admitted = new WeakMap<object, string>();

  const beforeUser = async (user: { email: string }, ctx?: { body?: unknown } | null) => {
    const entry = entryFor({
      email: user.email,
      invite: inviteIn(ctx?.body),
      policy: await currentPolicy(policy),
    });
    switch (entry.by) {
      case 'refused':
        throw domainRefused();
      case 'adminEmail':
        return { data: { role: 'admin' } };
      case 'invite': {
        let role: string;
        try {
          role = (await openInvite({ invites, authDb, inviteId: entry.inviteId })).role;
        } catch (err) {
          throw inviteRefused(err, 'CONFLICT');
        }
        if (ctx) admitted.set(ctx, entry.inviteId);
        return { data: { role } };
      }
      case 'policy':
        return { data: { role: (await isFirstAccount(authDb)) ? 'admin' : 'member' } };
      case 'firstAccount':
        if (await isFirstAccount(authDb)) return { data: { role: 'admin' } };
        throw inviteRequired('CONFLICT');
      default: {
        const unreachable: never = entry;
        return unreachable;
      }
    }
  };

  const beforeAccount = async (account: { userId: string }, ctx?: object | null) => {
    const inviteId = ctx ? admitted.get(ctx) : undefined;
    if (!ctx || inviteId === undefined) return;
    admitted.delete(ctx);
    try {
      await invites.use({ inviteId, userId: account.userId, origin: originOf(ctx) });
    } catch (err) {
      throw inviteRefused(err, 'CONFLICT');
    }
  };

  return { beforeUser, beforeAccount };
}

/**
 * Where a sign-up came from: the address the edge resolved (relayClientIp put it in
 * X-Forwarded-For) and the User-Agent, cleaned.
 */
export function originOf(ctx: object): { clientIp: string; userAgent: string } {
  const { request, headers } = ctx as { request?: Request | undefined; headers?: Headers | undefined };
  const source = request ?? headers;
  if (!source) return { clientIp: '', userAgent: '' };
  const agent = source instanceof Headers ? source.get('user-agent') : source.headers.get('user-agent');
  return { clientIp: relayedClientIp(source), userAgent: cleanUserAgent(agent) };
}

/**
 * The invite, if it admits someone now. It speaks for the admin who made it only while they
 * are one: banned, or no longer admin, and their links admit no one (as if withdrawn).
 */
async function openInvite({
  invites,
  authDb,
  inviteId,
}: {
  invites: InviteBook;
  authDb: AuthDatabase;
  inviteId: string;
}): Promise<OpenedInvite> {
  const invite = admitting(await invites.find(inviteId), new Date());
  if (invite.createdBy === '') return invite; // made with the hub's own CLI
  const { rows } = await sql<{ stands: boolean }>`
    SELECT role = 'admin' AND NOT (banned IS TRUE AND ("banExpires" IS NULL OR "banExpires" > now())) AS stands
    FROM auth."user" WHERE id = ${invite.createdBy}`.execute(authDb.db);
  if (rows[0]?.stands !== true) throw identityErrors.inviteRevoked();
  return invite;
}

async function anyAccount(authDb: AuthDatabase): Promise<boolean> {
  const { rows } = await sql<{ taken: boolean }>`
    SELECT EXISTS (SELECT 1 FROM auth."user") AS taken`.execute(authDb.db);
  return rows[0]?.taken === true;
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
