import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
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

export type HubDeps = {
  config: HubConfig;
  /** True once a stop has begun: /ready answers 503 while the rest is served as before. */
  draining: () => boolean;
  logger: Logger;
  log: Log;
  appender: Appender;
  db: Kysely<unknown>;
  pool: pg.Pool;
  projectors: ProjectorRunner;
  auth: AuthGate;
  metrics: Metrics;
  /** Routes a domain adds under /api/v1 (behind the session and the command rate limit). */
  apiRoutes: Hono<HubEnv>[];
};
