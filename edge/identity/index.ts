// The identity module: better-auth (sessions, roles, registration policy) on its own Postgres
// schema, the outbox that puts its facts on the log, the identity_access reactor that applies admin
// decisions from the log, the member_erasure reactor that carries out erasures, and the identity routes.
import type { Hono } from 'hono';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import { identityAccessReactor } from '../../projectors/identity-access/reactor.ts';
import { identityFamilyProjection } from '../../projectors/identity-family/projection.ts';
import { identityInvitesProjection } from '../../projectors/identity-invites/projection.ts';
import { identityUsersProjection } from '../../projectors/identity-users/projection.ts';
import { memberErasureReactor } from '../../projectors/member-erasure/reactor.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import { createIdentityWriter } from '../../writers/identity/commands.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { Log } from '../../writers/log/open.ts';
import type { HubEnv } from '../http/context.ts';
import type { AuthGate, HubDeps } from '../http/deps.ts';
import { createAuth } from './auth.ts';
import { type AuthDatabase, openAuthDatabase } from './db.ts';
import { erasureRoutes } from './erasure.routes.ts';
import { fromAuthError } from './errors.ts';
import { familyRoutes } from './family.routes.ts';
import { createGate } from './gate.ts';
import { inviteRoutes } from './invites.routes.ts';
import { inviteBook } from './invites.ts';
import { createMailer } from './mail.ts';
import { migrateAuth } from './migrate.ts';
import { peopleRoutes } from './people.routes.ts';
import { createRelay } from './relay.ts';
import { identityRoutes } from './routes.ts';
import { createSessionCache } from './session-cache.ts';
import { watchIdentity } from './watch.ts';

export type IdentityConfig = {
  secret: string;
  baseURL: string;
  trustedOrigins: string[];
  adminEmail?: string | undefined;
  allowedEmailDomains: string[];
  /** HEARTH_OPEN_SIGNUP: anyone may sign up without an invite (said loudly at start). */
  openSignup?: boolean | undefined;
  smtpUrl?: string | undefined;
  mailFrom?: string | undefined;
  /** better-auth's limiter on /api/auth/*. */
  rateLimit: { enabled: boolean; window: number; max: number };
  /**
   * Reverse proxies in front of the hub (IPs or CIDRs). The edge resolves the client's address
   * with them (edge/http/client-address.ts) and hands better-auth that one address.
   */
  trustedProxies?: string[] | undefined;
};

export type Identity = {
  gate: AuthGate;
  /** Read models and reactors the identity domain needs run by the projector runner. */
  projections: Projector[];
  /** Mounted under /api/v1, behind requireSession and the command rate limit. */
  routes: (deps: HubDeps) => Hono<HubEnv>;
  /**
   * Sets a person's profile image as PATCH /me does (better-auth, then the outbox puts it on
   * the log), with that person's own request headers: a new avatar uses it. Or clears it when
   * it still shows the file `onlyIfShowing` (its avatar was deleted, perhaps by an admin).
   */
  setProfileImage: (
    input:
      | { headers: Headers; userId: string; image: string }
      | { userId: string; image: null; onlyIfShowing: string },
  ) => Promise<void>;
  /** Starts the outbox relay. */
  start: () => Promise<void>;
  stop: () => Promise<void>;
};

export async function createIdentity({
  databaseUrl,
  log,
  appender,
  logger,
  config,
  onPublished,
}: {
  db: Kysely<unknown>;
  pool: pg.Pool;
  databaseUrl: string;
  log: Log;
  appender: Appender;
  logger: Logger;
  config: IdentityConfig;
  onPublished?: (typeName: string) => void;
}): Promise<Identity> {
  const authDb = await openAuthDatabase({ databaseUrl, logger });
  const mailer = config.smtpUrl
    ? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom ?? 'Hearth <hearth@localhost>' })
    : undefined;
  const writer = createIdentityWriter({ appender });
  // Sign-up reads the policy an admin chose from the log; the hub's settings are the default.
  const settings = { ...config, chosenSignUp: async () => (await writer.family()).signUp };
  const auth = createAuth({ settings, authDb, mailer, logger, invites: inviteBook(writer) });
  if (config.openSignup) {
    logger.warn(
      'HEARTH_OPEN_SIGNUP is on: anyone who can reach this hub can sign up and join the family (unless an admin has chosen another sign-up policy in the family console)',
    );
  }
  // Without mail, nothing proves that whoever types an address owns it.
  if (!config.smtpUrl && config.allowedEmailDomains.length > 0) {
    logger.warn(
      'HEARTH_ALLOWED_EMAIL_DOMAINS without SMTP_URL: anyone who types an address in those domains can join',
    );
  }
  if (!config.smtpUrl && config.adminEmail) {
    logger.warn(
      'HEARTH_ADMIN_EMAIL without SMTP_URL: whoever signs up with that address first becomes an admin',
    );
  }
  try {
    await migrateAuth({ auth, authDb, logger });
  } catch (err) {
    await authDb.close();
    throw err;
  }
  const relay = createRelay({ authDb, databaseUrl, log, logger, onPublished });
  // Sessions answered from memory on this edge, ended by the identity events every edge hears.
  const sessions = createSessionCache({
    cookieName: async () => (await auth.$context).authCookies.sessionToken.name,
  });
  const watch = watchIdentity({
    log,
    logger,
    on: {
      banned: (userId, ban) => sessions.banned(userId, ban.until === null ? null : Date.parse(ban.until)),
      unbanned: (userId) => sessions.unbanned(userId),
      erased: (userId) => sessions.erased(userId),
      roleChanged: (userId, role) => sessions.roleChanged(userId, role),
      sessionEnded: (sessionId) => sessions.endSession(sessionId),
      accountChanged: (userId) => sessions.endUser(userId),
      deaf: () => sessions.deaf(),
    },
  });
  // Events published while NATS is away are not heard again: nothing is answered from memory
  // until the connection is back, and then memory starts empty.
  void (async () => {
    for await (const s of log.nc.status()) {
      if (s.type === 'disconnect' || s.type === 'staleConnection' || s.type === 'slowConsumer')
        sessions.deaf();
      else if (s.type === 'reconnect') sessions.hearing();
    }
  })().catch(() => undefined);
  return {
    gate: { ...createGate({ auth, logger, sessions }), withOrigin: authDb.withOrigin },
    projections: [
      identityUsersProjection as unknown as Projector,
      identityAccessReactor as unknown as Projector,
      identityInvitesProjection as unknown as Projector,
      identityFamilyProjection as unknown as Projector,
      memberErasureReactor({ keys: log.keys, appender }) as unknown as Projector,
    ],
    routes: (deps) => {
      const routes = identityRoutes({ deps, betterAuth: auth, authDb, relay, sessions });
      routes.route('/', inviteRoutes({ deps, writer, secret: config.secret }));
      routes.route('/', peopleRoutes(deps));
      routes.route('/', erasureRoutes({ deps, writer, relay, sessions }));
      routes.route('/', familyRoutes({ deps, writer, policy: config, mailConfigured: mailer !== undefined }));
      return routes;
    },
    setProfileImage: async (input) => {
      if ('onlyIfShowing' in input) {
        // Not better-auth's updateUser: the deleter may be an admin, whose request would change
        // their own profile. The outbox's trigger puts the change on the log all the same.
        const changed = await clearImageShowing(authDb, input.userId, input.onlyIfShowing);
        if (changed) sessions.endUser(input.userId);
        return;
      }
      await auth.api
        .updateUser({ headers: input.headers, body: { image: input.image } })
        .catch((err: unknown) => {
          throw fromAuthError(err);
        });
      sessions.endUser(input.userId);
    },
    start: relay.start,
    stop: async () => {
      watch.stop();
      await relay.stop();
      await authDb.close();
    },
  };
}

/** Empties a profile image that shows /files/<fileId>/download (any host, thumbnail or not). */
async function clearImageShowing(authDb: AuthDatabase, userId: string, fileId: string): Promise<boolean> {
  const path = `/files/${fileId}/download`;
  const rows = await authDb.db
    .updateTable('user')
    .set({ image: null, updatedAt: new Date() })
    .where('id', '=', userId)
    .where(sql<boolean>`strpos(coalesce(image, ''), ${path}) > 0`)
    .returning('id')
    .execute();
  return rows.length > 0;
}
