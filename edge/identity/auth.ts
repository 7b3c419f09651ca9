// better-auth for Hearth: email + password on Postgres (schema auth), roles through the admin
// plugin's access control, the registration policy, its rate limiter, and the hooks that
// feed the outbox what no table write shows.
import { betterAuth } from 'better-auth';
import { createAuthMiddleware, isAPIError } from 'better-auth/api';
import { admin } from 'better-auth/plugins';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../../projectors/runtime/pool.ts';
import { relayedClientIp } from '../http/client-address.ts';
import { ac, roles } from './access.ts';
import type { AuthDatabase } from './db.ts';
import { bannedMessage } from './errors.ts';
import { type InviteBook, NO_INVITES } from './invites.ts';
import type { Mailer } from './mail.ts';
import { checkSignUp, type RegistrationPolicy, registrationHooks } from './registration.ts';
import { recordSignInFailure } from './sign-in-failures.ts';

export type AuthSettings = RegistrationPolicy & {
  secret: string;
  baseURL: string;
  trustedOrigins: string[];
  rateLimit: { enabled: boolean; window: number; max: number };
};

export function createAuth({
  settings,
  authDb,
  mailer,
  logger,
  invites: book,
}: {
  settings: AuthSettings;
  authDb: AuthDatabase;
  mailer?: Mailer | undefined;
  logger: Logger;
  /** The invites sign-up reads and takes uses of (none: only the other ways in). */
  invites?: InviteBook | undefined;
}) {
  const invites = book ?? NO_INVITES;
  const registration = registrationHooks({ policy: settings, authDb, invites });
  return betterAuth({
    appName: 'Hearth',
    secret: settings.secret,
    baseURL: settings.baseURL,
    basePath: '/api/auth',
    trustedOrigins: settings.trustedOrigins,
    database: { db: authDb.db, type: 'postgres', transaction: true },
    telemetry: { enabled: false },
    logger: {
      level: 'warn',
      // The database away is an outage the pools report, not a fault of each request in it.
      log: (level, message, ...args) =>
        logger[level === 'error' && args.some(isDatabaseUnavailable) ? 'debug' : level]({ args }, message),
    },
    // Refusals (4xx, better-auth's APIErrors) are answered as they are; anything else is thrown
    // to the gate, which tells the database being away (503, retry) from a fault (500, logged).
    // Answered here, it would be a bare 500 whatever the cause.
    onAPIError: { throw: true },
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: mailer !== undefined,
      autoSignIn: true,
    },
    ...(mailer && {
      emailVerification: {
        sendOnSignUp: true,
        autoSignInAfterVerification: true,
        sendVerificationEmail: ({ user, url }) =>
          mailer.sendVerification({
            to: user.email,
            name: user.name,
            url: absoluteCallback(url, settings.baseURL),
          }),
      },
    }),
    // In the database, not in memory: every hub process shares one budget, and a restart
    // does not reset it. Other services validate sessions through get-session often, so it is
    // not limited.
    rateLimit: {
      enabled: settings.rateLimit.enabled,
      window: settings.rateLimit.window,
      max: settings.rateLimit.max,
      storage: 'database',
      customRules: { '/get-session': false },
    },
    advanced: {
      // Secure cookies whenever the public URL is https. Behind a proxy that ends TLS while the
      // public URL says http, edge/http/tls.ts marks them Secure request by request.
      useSecureCookies: settings.baseURL.startsWith('https://'),
      // The edge has resolved the client's address and put it alone in X-Forwarded-For
      // (relayClientIp): taken as it is. Its limiter keys an IPv6 client by its /64.
      ipAddress: { ipAddressHeaders: ['x-forwarded-for'] },
    },
    // No cookie cache: a revoked or banned session must end on its very next request.
    session: { cookieCache: { enabled: false } },
    plugins: [
      admin({
        ac,
        roles,
        defaultRole: 'member',
        adminRoles: ['admin'],
        // Not "contact support": a family has an admin, and the person should know why.
        bannedUserMessage: (user) =>
          bannedMessage({
            reason: user.banReason ?? '',
            until: user.banExpires ? new Date(user.banExpires).toISOString() : null,
          }),
      }),
    ],
    databaseHooks: {
      user: { create: { before: registration.beforeUser } },
      // The session records the edge's address in full, as events do, not the limiter's /64.
      session: {
        create: {
          before: async (_session, ctx) => {
            const address = relayedClientIp(ctx?.request ?? ctx?.headers);
            return address ? { data: { ipAddress: address } } : undefined;
          },
        },
      },
      // After the user's row, in its transaction: an invite's use is taken here.
      account: { create: { before: registration.beforeAccount } },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === '/sign-up/email')
          await checkSignUp({ body: ctx.body, policy: settings, invites, authDb });
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-in/email' || !isAPIError(ctx.context.returned)) return;
        const email = (ctx.body as { email?: unknown } | undefined)?.email;
        if (typeof email !== 'string') return;
        const error = ctx.context.returned;
        await recordSignInFailure({
          email,
          ipAddress: relayedClientIp(ctx.request ?? ctx.headers),
          reason: String((error.body as { code?: unknown } | undefined)?.code ?? error.status).toLowerCase(),
          authDb,
        }).catch((err) => logger.error({ err }, 'could not record a failed sign-in'));
      }),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/**
 * better-auth puts a relative callbackURL ('/') in the link, and turning an expired link's
 * error into a redirect needs an absolute one (a relative one ends in a 500).
 */
export function absoluteCallback(url: string, baseURL: string): string {
  const link = new URL(url);
  const callback = link.searchParams.get('callbackURL');
  if (callback?.startsWith('/') && !callback.startsWith('//')) {
    link.searchParams.set('callbackURL', new URL(callback, baseURL).toString());
  }
  return link.toString();
}
