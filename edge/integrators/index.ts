// The integrators module: API keys (issued and revoked by admins, listed from identity_keys),
// the event feed those keys open (GET /api/v1/events), the audit of their use, and webhooks
// (registered by admins, delivered by the webhooks_<domain> reactors and the delivery loop).
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { identityKeysProjection } from '../../projectors/identity-keys/projection.ts';
import { identityWebhooksProjection } from '../../projectors/identity-webhooks/projection.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import {
  DEFAULT_WEBHOOKS,
  startDeliveries,
  type WebhookOptions,
} from '../../projectors/webhooks-delivery/dispatch.ts';
import { migrateDeliveries } from '../../projectors/webhooks-delivery/queries.ts';
import { webhookReactors } from '../../projectors/webhooks-delivery/reactor.ts';
import { createAuditWriter } from '../../writers/audit/commands.ts';
import { createIdentityWriter } from '../../writers/identity/commands.ts';
import { webhookSealer } from '../../writers/identity/webhook-secret.ts';
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
import { webhookRoutes } from './webhooks.routes.ts';

export type IntegratorOptions = Partial<FeedOptions> & {
  maxPerKey?: number;
  maxFeeds?: number;
  /** Failed key lookups per client network and window, past which it is refused (429). */
  failedKeys?: { points: number; windowMs: number };
  /** Webhook timeouts, attempts and backoff (tests make them small). */
  webhooks?: Partial<WebhookOptions>;
};

/** A client network's failed key lookups: each costs a read of the log. */
export const DEFAULT_FAILED_KEYS = { points: 20, windowMs: 60_000 };

export function createIntegrators({
  log,
  appender,
  db,
  hubSecret,
  logger,
  options = {},
}: {
  log: Log;
  appender: Appender;
  db: Kysely<unknown>;
  /** Seals webhooks' secrets (a key is derived from it). */
  hubSecret: string;
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
  const sealer = webhookSealer(hubSecret);
  let deliveries: ReturnType<typeof startDeliveries> | undefined;
  let deliveriesStopped: Promise<void> | undefined;
  // Claims no more at once (synchronously), then waits for the attempts in flight.
  const stopDeliveries = () => {
    deliveriesStopped ??= deliveries?.stop() ?? Promise.resolve();
    return deliveriesStopped;
  };
  return {
    projections: [
      identityKeysProjection as unknown as Projector,
      identityWebhooksProjection as unknown as Projector,
      ...(webhookReactors({ log }) as unknown as Projector[]),
    ],
    migrate: () => migrateDeliveries(db),
    /** The delivery loop: processes that run the reactors run it too. */
    startDeliveries: () => {
      if (deliveriesStopped) return;
      deliveries ??= startDeliveries({
        db,
        sealer,
        logger,
        options: { ...DEFAULT_WEBHOOKS, ...options.webhooks },
      });
    },
    /** Under /api/v1 behind the session: the admin's keys and webhooks. */
    adminRoutes: (deps: HubDeps): Hono<HubEnv> => {
      const app = keyRoutes({ deps, writer });
      app.route('/', webhookRoutes({ deps, writer, sealer }));
      return app;
    },
    /** Under /api/v1 before the session: what an API key authenticates, and nothing else. */
    keyRoutes: (deps: HubDeps): Hono<HubEnv> =>
      eventRoutes({ deps, registry, uses, options: feed, failedKeys }),
    /** Open feeds and the events they hold (tests). */
    feeds: () => registry.stats(),
    /** Appends the key uses counted so far (tests). */
    flushUses: () => uses.flush(),
    /** The delivery loop stops claiming now; the returned promise ends with its attempts in flight. */
    stopDeliveries,
    stop: async () => {
      await stopDeliveries();
      deliveries = undefined;
      registry.stop();
      await uses.stop();
    },
  };
}

export type Integrators = ReturnType<typeof createIntegrators>;
