// Assembles one hub process: log, database, identity, read models, HTTP app.

import type { Server } from 'node:http';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Hono } from 'hono';
import { Kysely, PostgresDialect } from 'kysely';
import type { Logger } from 'pino';
import { CHAINED_STREAMS } from '../contracts/audit-chain.schema.ts';
import { migrateKeeper, startLogKeeper } from '../projectors/log-keeper/keeper.ts';
import { startMediaSweeper } from '../projectors/media-sweep/sweep.ts';
import { openPool } from '../projectors/runtime/pool.ts';
import { createProjectorRunner } from '../projectors/runtime/runner.ts';
import { createAuditWriter } from '../writers/audit/commands.ts';
import { createAppender } from '../writers/log/append.ts';
import { connectLog, type NatsAuth } from '../writers/log/connect.ts';
import { consumerFigures, startConsumerHistory } from './admin/consumers.ts';
import { createApp } from './app.ts';
import { createAssistant } from './assistant/index.ts';
import { auditChainRoutes } from './audit/chain.routes.ts';
import { type AuditChain, createAuditChain } from './audit/chain.ts';
import { auditModule } from './audit/index.ts';
import { createRefusals, type Refusals } from './audit/refusals.ts';
import { startVerifySchedule } from './audit/verify-schedule.ts';
import { startTracingIfAsked, withTracing } from './boot/tracing-settings.ts';
import { catalogRoutes } from './catalog/routes.ts';
import { mediaFileLookup } from './chat/files.ts';
import { type ChatOptions, createChat } from './chat/index.ts';
import type { HubSettings } from './config.ts';
import { createHome, type Home } from './home/index.ts';
import type { HubEnv } from './http/context.ts';
import type { HubDeps } from './http/deps.ts';
import { createMetrics } from './http/metrics.ts';
import { hubScrapeSources } from './http/metrics-sources.ts';
import { createIdentity } from './identity/index.ts';
import { createIntegrators, type IntegratorOptions, type Integrators } from './integrators/index.ts';
import { createMedia, type Media } from './media/index.ts';
import { createPlay, type Play } from './play/index.ts';
import { createPreferences } from './preferences/index.ts';

export type Hub = {
  app: Hono<HubEnv>;
  deps: HubDeps;
  /** Serves the chat WebSocket (GET /ws) on the node server that serves `app`. */
  attach: (server: Server) => void;
  /** Play's scores and live pushes (tests run a round with play.live.tick()). */
  play: Play;
  /** Notifications and the feed (tests run a live round with home.live.tick()). */
  home: Home;
  /** The blob store and the scanner (tests look at the stored bytes). */
  media: Media;
  /** The audit log's hash chain: its key, verify, checkpoints. */
  auditChain: AuditChain;
  /** Refused attempts on their way to the audit log (tests flush the coalesced counts). */
  refusals: Refusals;
  /** API keys and the event feed (tests look at the open feeds). */
  integrators: Integrators;
  start: () => Promise<void>;
  /**
   * A stop has begun (edge/boot/shutdown.ts): /ready answers 503 from now and new sockets are
   * refused; everything else is served as before until the hub stops.
   */
  drain: () => void;
  /** Waits (until `deadline`) for socket frames in flight, then closes every socket with 1012. */
  closeSockets: (deadline: number) => Promise<void>;
  /** Loops and sockets, then the workers at a checkpoint, then the pools and the NATS connection. */
  stop: () => Promise<void>;
};

export type HubOptions = {
  natsUrl: string;
  /** The hub's NATS user, when the server asks for one (deploy/nats/nats.conf). */
  natsAuth?: NatsAuth | undefined;
  databaseUrl: string;
  authSecret: string;
  /** Signs the audit chain's checkpoints (PKCS8, PEM or base64 DER); none: one made for this process. */
  auditSigningKey?: string | undefined;
  settings: HubSettings;
  logger: Logger;
  /** Tests shorten redelivery; production keeps the 30 s default. */
  ackWaitMs?: number;
  /**
   * How long a read model's partial batch may wait behind the one before it: a few
   * milliseconds on a read, against one transaction per event per read model at steady rates.
   */
  lingerMs?: number;
  duplicateWindowMs?: number;
  /** Tests shorten presence timings and the socket rate limit. */
  chat?: ChatOptions;
  /** Tests look for play changes more often than once a second. */
  playIntervalMs?: number;
  /** Tests look for new notifications more often. */
  homeIntervalMs?: number;
  /** The streams' max age (365 days); tests shorten it to watch events expire. */
  retentionMs?: number;
  /** Tests keep the log every few hundred milliseconds, seconds before expiry. */
  logKeeper?: { intervalMs: number; marginMs: number };
  /** Tests bound the feed's batches and feeds differently. */
  integrators?: IntegratorOptions;
  /** Tests collect spans with an exporter of their own (settings.tracing says the rest). */
  tracing?: { exporter: SpanExporter };
};

/**
 * Tracing first, so that the pools and the workers made next trace from their first
 * statement; shut down again if the hub is not made, and last when it stops.
 */
export async function createHub(options: HubOptions): Promise<Hub> {
  const { settings, logger, tracing: tracingOptions } = options;
  const tracing = await startTracingIfAsked({
    settings: settings.tracing,
    exporter: tracingOptions?.exporter,
    logger,
  });
  return withTracing(tracing, () => assembleHub(options));
}

async function assembleHub({
  natsUrl,
  natsAuth,
  databaseUrl,
  authSecret,
  auditSigningKey,
  settings,
  logger,
  ackWaitMs,
  lingerMs = 5,
  duplicateWindowMs,
  chat: chatOptions,
  playIntervalMs,
  homeIntervalMs,
  retentionMs,
  logKeeper,
  integrators: integratorOptions,
}: HubOptions): Promise<Hub> {
  const log = await connectLog({
    servers: natsUrl,
    auth: natsAuth,
    namespace: settings.namespace,
    name: 'hearth-hub',
    duplicateWindowMs,
    retentionMs,
    replicas: settings.streamReplicas,
  });
  log.link.onMade((streams) => logger.warn({ streams }, 'the log server had lost these; made them again'));
  // The pool serves requests, the live loops, batches that go the slow way, and rebuilds. The
  // leads are held on one session of their own (projectors/runtime/leader-locks.ts) and each
  // read model this process leads (28 with their reactors) sends its batches on a connection of
  // its own: a leading hub holds at most 16 + 1 + 28, a standby 16 + 1, beside better-auth's.
  const pool = openPool({ connectionString: databaseUrl, max: 16 }, (err) =>
    logger.warn({ err }, 'database connection lost'),
  );
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const metrics = createMetrics();
  const appender = createAppender({ log, onAppended: (type) => metrics.eventsAppended.inc({ type }) });
  const identity = await createIdentity({
    db,
    pool,
    databaseUrl,
    log,
    appender,
    logger,
    config: { ...settings.identity, secret: authSecret },
    onPublished: (type) => metrics.eventsAppended.inc({ type }),
  });
  const chat = await createChat({
    log,
    appender,
    db,
    auth: identity.gate,
    trustedOrigins: settings.hub.trustedOrigins,
    logger,
    // A post's attachments are checked against the media read model (the runner is made below).
    lookupFiles: mediaFileLookup({ db, log, waitFor: (name, seq, ms) => projectors.waitFor(name, seq, ms) }),
    // Made below; frames are handled only once the hub is up.
    refused: (attempt) => refusals.refused(attempt),
    options: { onFannedOut: metrics.fannedOut, ...chatOptions },
  });
  const play = createPlay({
    log,
    appender,
    db,
    // The runner is made below, from every module's read models; play reads it only later.
    positions: (names) => projectors.positions(names),
    logger,
    push: chat.push,
    intervalMs: playIntervalMs,
  });
  const home = createHome({
    appender,
    db,
    auth: identity.gate,
    scores: play.scores,
    positions: (names) => projectors.positions(names),
    push: chat.push,
    logger,
    intervalMs: homeIntervalMs,
  });
  const media = await createMedia({
    log,
    appender,
    config: settings.media,
    logger,
    setProfileImage: identity.setProfileImage,
    replicas: settings.streamReplicas,
    onScan: metrics.scanned,
  });
  const preferences = createPreferences({ log, appender, push: chat.push, db, logger });
  const assistant = createAssistant({
    log,
    db,
    appender,
    config: settings.assistant,
    preferences: preferences.memory,
    logger,
  });
  const audit = auditModule();
  const integrators = createIntegrators({
    log,
    appender,
    db,
    hubSecret: authSecret,
    logger,
    options: integratorOptions,
  });
  const projections = [
    ...identity.projections,
    ...chat.projections,
    ...play.projections,
    ...home.projections,
    ...media.projections,
    ...preferences.projections,
    ...assistant.projections,
    ...audit.projections,
    ...integrators.projections,
  ];
  const projectors = createProjectorRunner({
    db,
    pool,
    log,
    logger,
    projections,
    ...(ackWaitMs ? { ackWaitMs } : {}),
    lingerMs,
    onRebuildProgress: metrics.rebuildProgress,
  });
  await projectors.migrate();
  const auditChain = createAuditChain({
    log,
    pool,
    db,
    logger,
    signingKey: auditSigningKey,
    settings: { every: settings.audit.checkpointEvery, intervalMs: settings.audit.checkpointIntervalMs },
    onVerified: metrics.verified,
  });
  await auditChain.migrate();
  await migrateKeeper(db);
  await integrators.migrate();
  for (const rewritten of [chat.rewritten, preferences.rewritten, assistant.rewritten])
    projectors.onRewritten(rewritten);
  let sweeper: { stop: () => Promise<void> } | undefined;
  let keeper: { stop: () => Promise<void> } | undefined;
  let verifier: { stop: () => Promise<void> } | undefined;
  metrics.rebuildable(projections.map((p) => p.name));
  metrics.auditStreams(CHAINED_STREAMS.map((s) => s));
  metrics.watch(
    hubScrapeSources({
      log,
      db,
      projectors,
      // Only edges take uploads: a projectors process neither pings clamd nor reports it.
      scannerPing:
        settings.role !== 'projectors' && media.scanner.configured ? () => media.scanner.ping() : undefined,
      websockets: chat.connections,
    }),
  );

  let draining = false;
  const refusals = createRefusals({ writer: createAuditWriter({ appender }), logger });
  const deps: HubDeps = {
    config: settings.hub,
    role: settings.role,
    draining: () => draining,
    logger,
    log,
    appender,
    db,
    pool,
    projectors,
    auditChainLost: auditChain.lost,
    auth: identity.gate,
    metrics,
    refused: refusals.refused,
    apiRoutes: [],
    keyRoutes: [],
  };
  deps.apiRoutes.push(identity.routes(deps));
  deps.apiRoutes.push(chat.routes(deps));
  deps.apiRoutes.push(play.routes(deps));
  deps.apiRoutes.push(home.routes(deps));
  deps.apiRoutes.push(media.routes(deps));
  deps.apiRoutes.push(preferences.routes(deps));
  deps.apiRoutes.push(assistant.routes(deps));
  deps.apiRoutes.push(auditChainRoutes(deps, auditChain));
  deps.apiRoutes.push(audit.routes(deps));
  deps.apiRoutes.push(catalogRoutes(deps, auditChain));
  deps.apiRoutes.push(integrators.adminRoutes(deps));
  deps.keyRoutes?.push(integrators.keyRoutes(deps));
  const people = settings.role !== 'projectors';
  const background = settings.role !== 'edge';
  const app = createApp(deps, { people });

  return {
    app,
    deps,
    attach: people ? chat.attach : () => undefined,
    play,
    home,
    media,
    auditChain,
    refusals,
    integrators,
    start: async () => {
      // HEARTH_ROLE: edges serve people; projector processes run everything that follows the
      // log in the background. One process in the role `all` does both.
      if (background) {
        await projectors.start();
        audit.start(deps);
        auditChain.start();
        integrators.startDeliveries();
      }
      await identity.start();
      if (people) {
        await chat.start();
        play.start();
        home.start();
        await preferences.start();
        await assistant.start();
      }
      if (!background) return;
      sweeper = startMediaSweeper({
        pool,
        store: media.store,
        log,
        status: () => projectors.status(),
        graceMs: settings.media.sweepGraceMs,
        logger,
      });
      deps.consumerHistory = startConsumerHistory({
        sample: () => consumerFigures({ log, projectors }),
        onError: (err) => logger.warn({ err }, 'consumer figures not sampled'),
      });
      verifier = startVerifySchedule({
        chain: auditChain,
        intervalMs: settings.audit.verifyIntervalMs,
        onReport: metrics.scheduledVerified,
        logger,
      });
      keeper = startLogKeeper({
        log,
        pool,
        db,
        projections,
        ...(logKeeper ?? settings.logKeeper),
        logger,
      });
    },
    drain: () => {
      draining = true;
      chat.drain();
    },
    closeSockets: chat.closeSockets,
    stop: async () => {
      draining = true;
      // Outbound first: no webhook delivery is claimed once the hub is stopping.
      const deliveriesStopped = integrators.stopDeliveries();
      deps.consumerHistory?.stop();
      await sweeper?.stop();
      await keeper?.stop();
      await verifier?.stop();
      await home.stop();
      await preferences.stop();
      await assistant.stop();
      await play.stop();
      await chat.stop();
      await deliveriesStopped;
      await integrators.stop();
      await audit.stop();
      // Each worker finishes the batch in hand, commits it with its checkpoint and acks it.
      await projectors.stop();
      await auditChain.stop();
      await identity.stop();
      await refusals.stop();
      await log.nc.drain().catch(() => undefined);
      await db.destroy();
      // Then createHub's wrapper sends the spans of everything above (withTracing).
    },
  };
}
