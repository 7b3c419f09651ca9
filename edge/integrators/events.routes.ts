// GET /api/v1/events?subjects=…&from_seq=…: the event feed as Server-Sent Events, for
// integrators without NATS access. Authenticated by an API key only (never a session), whose
// scopes must cover the subjects' domain; each event's id is "<stream>/<seq>", so a reader that
// reconnects with Last-Event-ID gets what follows it, with no gap and no duplicate.
import type { Socket } from 'node:net';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { streamSSE } from 'hono/streaming';
import { type Kysely, sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import { commonErrors, HearthError } from '../../contracts/errors.ts';
import { RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import { feedQuery } from '../../contracts/integrators.schema.ts';
import type { Names } from '../../contracts/subjects.ts';
import { networkOf } from '../http/address-form.ts';
import { requestOrigin } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import type { createFailureBudget } from '../http/rate-limit.ts';
import { queryParams } from '../http/validate.ts';
import { integratorErrors } from './errors.ts';
import { type FeedOptions, runFeed } from './feed.ts';
import type { KeyUses } from './key-use.ts';
import { authenticateKey, type KeyHolder, keyIdOf } from './keys.ts';
import type { FeedRegistry, OpenFeed } from './registry.ts';
import { parseSubjects } from './subjects.ts';

export const FEED_ACTION = 'GET /api/v1/events';

type FailureBudget = ReturnType<typeof createFailureBudget>;

export function eventRoutes({
  deps,
  registry,
  uses,
  options,
  failedKeys,
}: {
  deps: HubDeps;
  registry: FeedRegistry;
  uses: KeyUses;
  options: FeedOptions;
  failedKeys: FailureBudget;
}): Hono<HubEnv> {
  const { log, logger } = deps;
  const app = new Hono<HubEnv>();
  const isDm = dmChannels(deps.db, log.names);

  // The key first: whoever has none learns nothing about the query. A network that failed too
  // many lookups is refused before the next one reads the log.
  const holders = new WeakMap<Request, KeyHolder>();
  const requireKey = createMiddleware<HubEnv>(async (c, next) => {
    const authorization = c.req.header('Authorization');
    const origin = requestOrigin(c);
    const network = networkOf(origin.clientIp);
    const waitMs = failedKeys.waitMs(network);
    if (waitMs > 0) {
      deps.refused({ kind: RefusalKind.RATE_LIMITED, action: FEED_ACTION, code: 'rate_limited', ...origin });
      throw commonErrors.rateLimited(undefined, { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
    }
    try {
      holders.set(c.req.raw, await authenticateKey({ log, authorization }));
    } catch (err) {
      if (err instanceof HearthError && err.status === 401) failedKeys.failed(network);
      const keyId = keyIdOf(authorization);
      if (keyId) uses.used({ keyId, action: FEED_ACTION, status: 401, ...origin });
      throw err;
    }
    await next();
  });

  app.get('/events', requireKey, queryParams(feedQuery), async (c) => {
    const holder = holders.get(c.req.raw);
    if (!holder) throw integratorErrors.keyRequired();
    const audit = (status: number) =>
      uses.used({ keyId: holder.keyId, action: FEED_ACTION, status, ...requestOrigin(c) });
    const query = c.req.valid('query');
    const { domain, filters } = parseSubjects(log.names, query.subjects);
    if (!holder.scopes.has(`${domain}:read`)) {
      audit(403);
      throw integratorErrors.scopeDenied();
    }
    const stream = log.names.stream(domain);
    let startSeq = query.from_seq === undefined ? undefined : Number(query.from_seq);
    const last = c.req.header('Last-Event-ID');
    if (last !== undefined) {
      const m = /^([A-Z0-9_]{1,64})\/([0-9]{1,15})$/.exec(last);
      if (!m || m[1] !== stream) throw integratorErrors.lastEventIdInvalid();
      startSeq = Number(m[2]) + 1;
    }
    const personal = holder.scopes.has(`${domain}:personal`);
    // Answered at once where it can be: a feed asks for every subject it sends.
    const canOpen = (subject: string): boolean | Promise<boolean> => {
      if (!personal) return false;
      if (domain !== 'chat') return true;
      const dm = isDm(subject);
      return typeof dm === 'boolean'
        ? !dm
        : dm.then(
            (d) => !d,
            () => false,
          );
    };
    let closed = false;
    let revoked = false;
    let cut = (): void => undefined;
    // A revoke ends the response at once, even one waiting on a reader that stopped reading.
    const feed: OpenFeed = {
      keyId: holder.keyId,
      buffered: 0,
      close: (byRevoke) => {
        closed = true;
        revoked ||= byRevoke;
        cut();
      },
    };
    const release = registry.open(feed);
    audit(200);
    return streamSSE(c, async (sse) => {
      // Aborting the stream alone ends the response gracefully, and a slow reader would still
      // take what sits in its buffers: on a revoke the connection is reset first, kernel's
      // included. The abort then wakes a feed waiting on a drain.
      cut = () => {
        if (revoked) dropConnection(c.env);
        sse.abort();
      };
      if (closed) cut();
      sse.onAbort(() => {
        closed = true;
      });
      const ended = () => closed || sse.aborted || sse.closed || holder.expiresAtMs <= Date.now();
      try {
        await sse.write(': open\n\n');
        await runFeed({
          log,
          logger,
          domain,
          filters,
          startSeq,
          feed,
          canOpen,
          write: async (chunk) => {
            if (!ended()) await sse.write(chunk);
          },
          ended,
          options,
        });
      } catch (err) {
        if (!ended()) logger.warn({ err, keyId: holder.keyId }, 'an event feed failed');
      } finally {
        release();
      }
    });
  });

  return app;
}

/**
 * Resets the request's socket under @hono/node-server (nothing to drop in-process). A socket
 * Node cannot reset (TLS ended in-process) is destroyed: its buffers go, the kernel's may not.
 */
function dropConnection(env: unknown): void {
  const socket = (env as { incoming?: { socket?: Socket } } | undefined)?.incoming?.socket;
  if (!socket || socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** Whether a chat subject's channel is a direct message (unknown yet: yes, so nothing opens). */
function dmChannels(db: Kysely<unknown>, names: Names) {
  const kinds = new LRUCache<string, string>({ max: 10_000 });
  const depth = names.chat.members('x').split('.').length - 2; // index of the channel id
  const lookUp = async (id: string): Promise<boolean> => {
    const { rows } = await sql<{ kind: string }>`
      SELECT kind FROM chat_channels.channels WHERE id = ${id}`.execute(db);
    const kind = rows[0]?.kind;
    if (kind === undefined) return true;
    kinds.set(id, kind);
    return kind === 'dm';
  };
  // A channel seen before is answered without a promise.
  return (subject: string): boolean | Promise<boolean> => {
    const id = subject.split('.')[depth];
    if (!id || !subject.includes('.chat.channel.')) return false;
    const kind = kinds.get(id);
    return kind === undefined ? lookUp(id) : kind === 'dm';
  };
}
