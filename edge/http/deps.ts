import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import type { ConsumerSample } from '../../contracts/inspect.api.ts';
import type { ProjectorRunner } from '../../projectors/runtime/runner.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { Log } from '../../writers/log/open.ts';
import type { HubEnv, SessionInfo, SessionUser } from './context.ts';
import type { Metrics } from './metrics.ts';

/** Resource → actions, as the admin plugin's access control states them. */
export type Permission = Readonly<Record<string, readonly string[]>>;

export type AuthGate = {
  /** better-auth's handler for /api/auth/*. */
  handler: (request: Request) => Promise<Response>;
  getSession: (headers: Headers) => Promise<{ user: SessionUser; session: SessionInfo } | null>;
  /** False for an unknown role: nothing is granted by default. */
  can: (role: string, permission: Permission) => boolean;
  /**
   * Runs `fn` as a request from `origin`: the identity facts its writes cause (written by
   * database triggers, not by a command) record that address and user agent, and the actor
   * (with whom they act for) when the origin names one at the time of the write.
   */
  withOrigin: <T>(
    origin: { clientIp: string; userAgent: string; actorId?: string; onBehalfOf?: string },
    fn: () => Promise<T>,
  ) => Promise<T>;
};

export type HubConfig = {
  /** Origins allowed to call the API with cookies (better-auth trusted origins). */
  trustedOrigins: string[];
  publicUrl: string;
  commandRateLimit: { limit: number; windowMs: number };
  bodyLimitBytes: number;
  /** Reverse proxies (IPv4 or IPv6 addresses or CIDRs) whose X-Forwarded-For is believed; loopback always is. */
  trustedProxies: string[];
  /** /ready fails while any read model lags the log by more than this many events. */
  readyMaxLag: number;
  /** Bearer token for /ready and /metrics from elsewhere than this machine; unset: loopback only. */
  opsToken: string | undefined;
};

/** An attempt the edge refused, as the audit log records it (edge/audit/refusals.ts). */
export type RefusedAttempt = {
  kind: RefusalKind;
  /** The route's method and pattern, e.g. "POST /api/v1/admin/users/:id/role". */
  action: string;
  /** The main path parameter, when the route has one. */
  target?: string | undefined;
  /** The error code answered. */
  code: string;
  /** Signed in: who (during impersonation, the admin), and as whom. */
  actorId?: string | undefined;
  onBehalfOf?: string | undefined;
  clientIp: string;
  userAgent: string;
  /** A failed sign-in's email as typed. */
  account?: string | undefined;
};

/** The consumers' lag over the last hour, sampled in this process (edge/admin/consumers.ts). */
export type ConsumerHistory = {
  samples: () => ConsumerSample[];
  everyMs: number;
  stop: () => void;
};

export type HubDeps = {
  config: HubConfig;
  /** HEARTH_ROLE: `edge` serves people only, `projectors` follows the log only, `all` both. */
  role?: 'all' | 'edge' | 'projectors';
  /** True once a stop has begun: /ready answers 503 while the rest is served as before. */
  draining: () => boolean;
  logger: Logger;
  log: Log;
  appender: Appender;
  db: Kysely<unknown>;
  pool: pg.Pool;
  projectors: ProjectorRunner;
  /** The consumers' last hour of lag, sampled in this process while the hub runs. */
  consumerHistory?: ConsumerHistory | undefined;
  /** The audit chain's streams that went back behind it (the chainer stops on them). */
  auditChainLost?: () => Promise<{ reason: string }[]>;
  auth: AuthGate;
  metrics: Metrics;
  /**
   * Records a refused attempt on the audit log; never waits, never throws. A promise stands for
   * one still being read from its answer: the recorder's stop waits for it.
   */
  refused: (attempt: RefusedAttempt | Promise<RefusedAttempt | undefined>) => void;
  /** Routes a domain adds under /api/v1 (behind the session and the command rate limit). */
  apiRoutes: Hono<HubEnv>[];
  /** Routes under /api/v1 that an integrator's API key authenticates (never a session). */
  keyRoutes?: Hono<HubEnv>[];
};
