// The integrators module: API keys (issued and revoked by admins, listed from identity_keys),
// the event feed those keys open (GET /api/v1/events), and the audit of their use.
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { identityKeysProjection } from '../../projectors/identity-keys/projection.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import { createAuditWriter } from '../../writers/audit/commands.ts';
import { createIdentityWriter } from '../../writers/identity/commands.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { Log } from '../../writers/log/open.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { createFailureBudget } from '../http/rate-limit.ts';
import { eventRoutes } from './events.routes.ts';
import { DEFAULT_FEED, type FeedOptions } from './feed.ts';
import { createKeyUses } from './key-use.ts';
import { keyRoutes } from './keys.routes.ts';
import { createFeedRegistry } from './registry.ts';

export type IntegratorOptions = Partial<FeedOptions> & {
  maxPerKey?: number;
  maxFeeds?: number;
  /** Failed key lookups per client network and window, past which it is refused (429). */
  failedKeys?: { points: number; windowMs: number };
};

/** A client network's failed key lookups: each costs a read of the log. */
export const DEFAULT_FAILED_KEYS = { points: 20, windowMs: 60_000 };

export function createIntegrators({
  log,
  appender,
  logger,
  options = {},
}: {
  log: Log;
  appender: Appender;
  logger: Logger;
  options?: IntegratorOptions | undefined;
}) {
  const registry = createFeedRegistry({
    log,
    logger,
    ...(options.maxPerKey && { maxPerKey: options.maxPerKey }),
    ...(options.maxFeeds && { maxFeeds: options.maxFeeds }),
  });
  const uses = createKeyUses({ writer: createAuditWriter({ appender }), logger });
  const writer = createIdentityWriter({ appender });
  const feed: FeedOptions = { ...DEFAULT_FEED, ...options };
  const failedKeys = createFailureBudget(options.failedKeys ?? DEFAULT_FAILED_KEYS);
  return {
    projections: [identityKeysProjection as unknown as Projector],
    /** Under /api/v1 behind the session: the admin's keys. */
    adminRoutes: (deps: HubDeps): Hono<HubEnv> => keyRoutes({ deps, writer }),
    /** Under /api/v1 before the session: what an API key authenticates, and nothing else. */
    keyRoutes: (deps: HubDeps): Hono<HubEnv> =>
      eventRoutes({ deps, registry, uses, options: feed, failedKeys }),
    /** Open feeds and the events they hold (tests). */
    feeds: () => registry.stats(),
    /** Appends the key uses counted so far (tests). */
    flushUses: () => uses.flush(),
    stop: async () => {
      registry.stop();
      await uses.stop();
    },
  };
}

export type Integrators = ReturnType<typeof createIntegrators>;
