// Figure: the integrators' SSE feed (edge/integrators/feed.ts, the route's loop and converter)
// to one reader over HTTP on loopback, beside a raw JetStream ordered consumer over the same
// events in the same run. Target: at least 0.3x. The events are identity events whose personal
// fields are sealed, read without the personal scope, as most keys read them.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import pino from 'pino';
import { DEFAULT_FEED, runFeed } from '../edge/integrators/feed.ts';
import { openLog } from '../writers/log/open.ts';
import type { BenchContext } from './context.ts';
import { measurePublish } from './jetstream.ts';
import { timed } from './lanes.ts';
import { identitySeed, SEED_KEY_OWNER } from './seed.ts';
import type { FigureResult } from './types.ts';

export async function measureFeed({
  ctx,
  events,
  publishInFlight,
  step,
}: {
  ctx: BenchContext;
  events: number;
  publishInFlight: number;
  step: (text: string) => void;
}): Promise<FigureResult> {
  const log = await openLog({ nc: ctx.nc, names: ctx.names('feed') });
  await log.keys.ready([SEED_KEY_OWNER]);
  step(`feed: publishing ${events} identity events`);
  const seed = identitySeed(log.names, { sealingKey: () => log.keys.sealingKey(SEED_KEY_OWNER) }, events);
  await measurePublish({ log, messages: seed.messages, inFlight: publishInFlight });
  seed.messages.length = 0;
  const stream = log.names.stream('identity');

  step('feed: raw JetStream ordered consumer');
  const raw = await timed(async () => {
    const consumer = await log.js.consumers.get(stream, { opt_start_seq: 1 });
    const messages = await consumer.consume({ max_messages: 1000 });
    let seen = 0;
    let bytes = 0;
    for await (const m of messages) {
      bytes += m.data.length;
      if (++seen >= events) break;
    }
    await consumer.delete().catch(() => undefined);
    return bytes;
  });

  step('feed: the SSE feed over HTTP');
  const app = new Hono();
  const logger = pino({ level: 'silent' });
  // The feed ends a pull after its reader left; the stream is deleted only then, or the pull
  // in flight fails with "consumer deleted".
  const feeds = new Set<Promise<void>>();
  app.get('/events', (c) =>
    streamSSE(c, async (sse) => {
      let ended = false;
      sse.onAbort(() => {
        ended = true;
      });
      const running = runFeed({
        log,
        logger,
        domain: 'identity',
        filters: [log.names.domainFilter('identity')],
        startSeq: 1,
        feed: { keyId: 'bench', buffered: 0, close: () => undefined },
        canOpen: () => false,
        write: (chunk) => sse.write(chunk).then(() => undefined),
        ended: () => ended || sse.aborted,
        options: DEFAULT_FEED,
      });
      feeds.add(running);
      await running.finally(() => feeds.delete(running));
    }),
  );
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  const controller = new AbortController();
  try {
    const sse = await timed(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/events`, { signal: controller.signal });
      if (!res.body) throw new Error('no body');
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let seen = 0;
      let tail = '\n'; // the first event starts the body
      while (seen < events) {
        const { done, value } = await reader.read();
        if (done) break;
        // Counted across chunk boundaries: the carry is shorter than the marker, so no marker
        // is counted twice.
        const text = tail + decoder.decode(value, { stream: true });
        let at = text.indexOf('\nid: ');
        while (at >= 0) {
          seen++;
          at = text.indexOf('\nid: ', at + 5);
        }
        tail = text.slice(-4);
      }
      controller.abort();
      return seen;
    });
    return {
      id: 'feed',
      title: `SSE feed to one reader over ${events} events vs raw ordered consumer`,
      figure: {
        label: 'GET /api/v1/events (SSE, JSON per event)',
        unit: 'events/s',
        value: sse.result / sse.seconds,
        count: sse.result,
        seconds: sse.seconds,
        details: { batch: DEFAULT_FEED.batch, maxBytes: DEFAULT_FEED.maxBytes },
      },
      baseline: {
        label: 'JetStream ordered consumer (raw messages)',
        unit: 'events/s',
        value: events / raw.seconds,
        count: events,
        seconds: raw.seconds,
      },
      target: { description: 'at least 0.3x the raw ordered consumer', minRatio: 0.3 },
    };
  } finally {
    controller.abort();
    server.close();
    // A feed waiting on a reader gone would otherwise hold the awaiting below forever.
    server.closeAllConnections();
    await Promise.allSettled([...feeds]);
    await log.jsm.streams.delete(stream).catch(() => undefined);
  }
}
