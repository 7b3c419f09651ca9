// One integrator's feed: an ordered consumer on one stream, read in bounded batches, each
// batch written as one chunk of Server-Sent Events and its drain awaited before the next is
// fetched. A reader that stops reading stops the fetching: the hub holds at most one batch
// per feed, whatever the reader's pace.

import { setTimeout as sleep } from 'node:timers/promises';
import { DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { FeedDomain } from '../../contracts/integrators.api.ts';
import { streamSeq } from '../../writers/log/decode.ts';
import { fetchKey, KeyPending } from '../../writers/log/keys.ts';
import type { Log } from '../../writers/log/open.ts';
import { toPublicEvent } from '../../writers/log/public-event.ts';
import type { OpenFeed } from './registry.ts';
import { subjectMatches } from './subjects.ts';

export type FeedOptions = {
  /** Events fetched at once (and so held at most per feed). */
  batch: number;
  /** A comment line after this long with nothing to send. */
  heartbeatMs: number;
};

/** Pauses before looking again for a sealing key not loaded yet (about 3.5 s in all). */
const KEY_WAITS_MS = [20, 50, 100, 200, 400, 800, 1000, 1000];

export const DEFAULT_FEED: FeedOptions = { batch: 256, heartbeatMs: 15_000 };

export async function runFeed({
  log,
  logger,
  domain,
  filters,
  startSeq,
  feed,
  canOpen,
  write,
  ended,
  options,
}: {
  log: Log;
  logger: Logger;
  domain: FeedDomain;
  filters: string[];
  /** First sequence to send; undefined: only what is appended from now. */
  startSeq: number | undefined;
  feed: OpenFeed;
  /** May this reader have the personal fields of the event on this subject? */
  canOpen: (subject: string) => Promise<boolean>;
  /** Writes a chunk, resolving once the reader has taken it. */
  write: (chunk: string) => Promise<void>;
  /** True once the reader left, the key was revoked or expired. */
  ended: () => boolean;
  options: FeedOptions;
}): Promise<void> {
  const stream = log.names.stream(domain);
  // One filter is the server's; several are matched here, on the domain's whole stream
  // (nats-server 2.9 takes one filter per consumer).
  const serverFilter = filters.length === 1 ? filters[0] : undefined;
  const consumer = await log.js.consumers.get(stream, {
    ...(startSeq === undefined
      ? { deliver_policy: DeliverPolicy.New }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, startSeq) }),
    ...(serverFilter ? { filter_subjects: serverFilter } : {}),
  });
  let idleSince = Date.now();
  try {
    while (!ended()) {
      const batch: JsMsg[] = [];
      const iter = await consumer.fetch({
        max_messages: options.batch,
        // nats.js asks at least a second of a pull.
        expires: Math.max(1000, Math.min(options.heartbeatMs, 5000)),
      });
      let chunk = '';
      for await (const m of iter) {
        batch.push(m);
        feed.buffered = batch.length;
        // Everything in hand is written in one chunk; under load that is a whole batch.
        if (iter.getPending() > 0 && batch.length < options.batch) continue;
        chunk += await render({ log, logger, domain, stream, filters, batch, canOpen, ended });
        batch.length = 0;
        if (chunk.length > 0) {
          await write(chunk);
          chunk = '';
          idleSince = Date.now();
        }
        feed.buffered = 0;
        if (ended()) break;
      }
      if (batch.length > 0) {
        chunk += await render({ log, logger, domain, stream, filters, batch, canOpen, ended });
        if (chunk) await write(chunk);
        feed.buffered = 0;
      }
      if (Date.now() - idleSince >= options.heartbeatMs && !ended()) {
        await write(': heartbeat\n\n');
        idleSince = Date.now();
      }
    }
  } finally {
    feed.buffered = 0;
    await consumer.delete().catch(() => undefined);
  }
}

async function render({
  log,
  logger,
  domain,
  stream,
  filters,
  batch,
  canOpen,
  ended,
}: {
  log: Log;
  logger: Logger;
  domain: FeedDomain;
  stream: string;
  filters: string[];
  batch: JsMsg[];
  canOpen: (subject: string) => Promise<boolean>;
  ended: () => boolean;
}): Promise<string> {
  let out = '';
  // Keys looked for long enough in this batch: their other events go out withheld at once.
  const missing = new Set<string>();
  for (const m of batch) {
    if (filters.length > 1 && !filters.some((f) => subjectMatches(f, m.subject))) continue;
    const msg = { subject: m.subject, seq: streamSeq(m), data: m.data };
    let open = await canOpen(m.subject);
    for (let attempt = 0; ; attempt++) {
      try {
        const event = toPublicEvent({ domain, stream, msg, open });
        out += `id: ${event.id}\nevent: event\ndata: ${JSON.stringify(event)}\n\n`;
        break;
      } catch (err) {
        if (err instanceof KeyPending) {
          // Made by another process a moment ago: look again, a little later each time. A key
          // still nowhere (or a reader gone) does not hold the feed up, nor leave a gap in it:
          // the event goes out with its personal fields withheld.
          const wait = KEY_WAITS_MS[attempt];
          if (wait !== undefined && !missing.has(err.keyId) && !ended()) {
            await fetchKey(err.keyId);
            await sleep(wait);
            await fetchKey(err.keyId);
            continue;
          }
          missing.add(err.keyId);
          logger.warn(
            { stream, seq: msg.seq, keyId: err.keyId },
            'feed withheld the fields of a key not loaded',
          );
          open = false;
          continue;
        }
        logger.warn(
          { err, stream, seq: msg.seq, ns: log.names.stream(domain) },
          'feed skipped an undecodable event',
        );
        break;
      }
    }
  }
  return out;
}
