// The session as Hearth shows it: the gate's getSession, and the exact body of
// GET /api/auth/get-session that other family services validate sessions with.
import type { SessionInfo, SessionUser } from '../http/context.ts';
import type { Auth } from './auth.ts';

type Found = NonNullable<Awaited<ReturnType<Auth['api']['getSession']>>>;

export type CurrentSession = { user: SessionUser; session: SessionInfo };

/** Banned and the ban has not run out. */
export function activeBan(
  user: { banned?: boolean | null; banExpires?: Date | string | null },
  now = Date.now(),
) {
  if (user.banned !== true) return false;
  return !user.banExpires || new Date(user.banExpires).getTime() > now;
}

export function toCurrentSession(found: Found | null): CurrentSession | null {
  if (!found || activeBan(found.user)) return null;
  const { user, session } = found;
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      image: user.image ?? null,
      role: user.role ?? '',
      emailVerified: user.emailVerified,
      banned: false,
      createdAt: new Date(user.createdAt),
      updatedAt: new Date(user.updatedAt),
    },
    session: {
      id: session.id,
      userId: session.userId,
      expiresAt: new Date(session.expiresAt),
      ipAddress: session.ipAddress ?? null,
      userAgent: session.userAgent ?? null,
      impersonatedBy: session.impersonatedBy ?? null,
    },
  };
}

/** The public body: exactly these keys, nothing better-auth adds later. */
export function publicSession({ user, session }: CurrentSession) {
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      image: user.image,
      role: user.role,
      emailVerified: user.emailVerified,
      banned: user.banned,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    },
    session: {
      id: session.id,
      userId: session.userId,
      expiresAt: session.expiresAt.toISOString(),
      ipAddress: session.ipAddress,
      userAgent: session.userAgent,
    },
  };
}

export async function findSession(auth: Auth, headers: Headers) {
  return auth.api.getSession({ headers, query: { disableCookieCache: true }, returnHeaders: true });
}
