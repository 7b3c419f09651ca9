// One integrator's feed: an ordered consumer on one stream, read in pulls of about maxBytes,
// rendered in batches bounded in count, written in chunks of about a MiB at most, each chunk's
// drain awaited before the next. A reader that stops reading stops the fetching: the hub holds
// at most one pull per feed, whatever the reader's pace.

import { setTimeout as sleep } from 'node:timers/promises';
import { DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { FeedDomain, PublicEvent } from '../../contracts/integrators.api.ts';
import { streamSeq } from '../../writers/log/decode.ts';
import { fetchKey, KeyPending } from '../../writers/log/keys.ts';
import type { Log } from '../../writers/log/open.ts';
import { toPublicEvent } from '../../writers/log/public-event.ts';
import type { OpenFeed } from './registry.ts';
import { subjectMatches } from './subjects.ts';

export type FeedOptions = {
  /** Events rendered and written at once. */
  batch: number;
  /** Bytes of events fetched at once (about what one feed holds), by the sizes seen last pull. */
  maxBytes: number;
  /** A comment line after this long with nothing to send. */
  heartbeatMs: number;
};

/** Pauses before looking again for a sealing key not loaded yet (about 3.5 s in all). */
const KEY_WAITS_MS = [20, 50, 100, 200, 400, 800, 1000, 1000];

/** Events in a feed's first pull, before their size is known. */
const FIRST_PULL = 16;
/** Rendered text is written once it is this long, so no chunk (nor V8 string) grows past it. */
const FLUSH_CHARS = 1024 * 1024;

export const DEFAULT_FEED: FeedOptions = { batch: 1024, maxBytes: 2 * 1024 * 1024, heartbeatMs: 15_000 };

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
  /**
   * May this reader have the personal fields of the event on this subject? A plain boolean
   * when known at once, so most events cost no promise.
   */
  canOpen: (subject: string) => boolean | Promise<boolean>;
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
  // Events asked for at once; a first pull of a few learns their size.
  let pull = Math.min(options.batch, FIRST_PULL);
  let idleSince = Date.now();
  let pending = '';
  let pendingSeq = 0;
  /** Writes what is rendered; with nothing rendered, a heartbeat once half its time passed. */
  const flush = async (beat: boolean): Promise<void> => {
    if (pending.length === 0) {
      if (!beat || Date.now() - idleSince < options.heartbeatMs / 2 || ended()) return;
      pending = ': heartbeat\n\n';
    }
    const chunk = pending;
    pending = '';
    await write(chunk);
    feed.sent = Math.max(feed.sent ?? 0, pendingSeq);
    idleSince = Date.now();
  };
  const ctx: RenderContext = {
    log,
    logger,
    domain,
    stream,
    filters,
    canOpen,
    ended,
    keyDeadline: 0,
    emit: async (frame, seq) => {
      pending += frame;
      pendingSeq = seq;
      if (pending.length >= FLUSH_CHARS) await flush(false);
    },
    beforeWait: () => flush(true),
  };
  try {
    while (!ended()) {
      // Bounded by count, sized from the largest event of the last pull so that a pull holds
      // about maxBytes. (A max_bytes pull ends in a 409 on nats-server 2.9, which nats.js's
      // fetch turns into an error that drops the messages it had not yielded yet: a gap.)
      const iter = await consumer.fetch({
        max_messages: pull,
        // nats.js asks at least a second of a pull.
        expires: Math.max(1000, Math.min(options.heartbeatMs, 5000)),
      });
      const batch: JsMsg[] = [];
      const renderHeld = async () => {
        feed.buffered = batch.length;
        // Waiting for keys stays under half the heartbeat per batch; the rest goes out withheld.
        ctx.keyDeadline = Date.now() + options.heartbeatMs / 2;
        await render(ctx, batch);
        batch.length = 0;
        await flush(false);
        feed.buffered = 0;
      };
      let largest = 0;
      for await (const m of iter) {
        batch.push(m);
        largest = Math.max(largest, m.data.length + (m.headers?.toString().length ?? 0));
        // Everything in hand is written at once; under load that is a whole batch.
        if (iter.getPending() > 0 && batch.length < options.batch) continue;
        await renderHeld();
        if (ended()) break;
      }
      if (batch.length > 0) await renderHeld();
      if (largest > 0) pull = Math.max(1, Math.min(options.batch, Math.floor(options.maxBytes / largest)));
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

type RenderContext = {
  log: Log;
  logger: Logger;
  domain: FeedDomain;
  stream: string;
  filters: string[];
  canOpen: (subject: string) => boolean | Promise<boolean>;
  ended: () => boolean;
  /** Past this time no key is waited for in this batch. */
  keyDeadline: number;
  /** Takes an event's frame; writes what is rendered once it is long enough. */
  emit: (frame: string, seq: number) => Promise<void>;
  /** Called before waiting on a key: what is rendered goes out first. */
  beforeWait: () => Promise<void>;
};

/** The batch's SSE frames, in order; awaits only a subject's first asynchronous answer. */
async function render(ctx: RenderContext, batch: JsMsg[]): Promise<void> {
  const { filters, canOpen } = ctx;
  // Keys looked for long enough in this batch: their other events go out withheld at once.
  const missing = new Set<string>();
  // One question per subject and batch; most batches carry few subjects.
  const opens = new Map<string, boolean>();
  for (const m of batch) {
    const subject = m.subject;
    if (filters.length > 1 && !filters.some((f) => subjectMatches(f, subject))) continue;
    let open = opens.get(subject);
    if (open === undefined) {
      const answer = canOpen(subject);
      open = typeof answer === 'boolean' ? answer : await answer;
      opens.set(subject, open);
    }
    const msg: Source = { subject, seq: streamSeq(m), data: m.data, open };
    const frame = publicFrame(ctx, msg);
    await ctx.emit(typeof frame === 'string' ? frame : await frame(missing), msg.seq);
  }
}

/** A message to send, and whether this reader may have its personal fields. */
type Source = { subject: string; seq: number; data: Uint8Array; open: boolean };

/**
 * The event's SSE frame, or, for an event sealed under a key not loaded yet, a function that
 * waits for the key (or gives up on it) and then makes the frame. Empty for an undecodable one.
 */
function publicFrame(ctx: RenderContext, msg: Source): string | ((missing: Set<string>) => Promise<string>) {
  try {
    return frameOf(toPublicEvent({ domain: ctx.domain, stream: ctx.stream, msg, open: msg.open }));
  } catch (err) {
    if (err instanceof KeyPending) return (missing) => waitForKey({ ctx, msg, missing });
    skipped(ctx, msg, err);
    return '';
  }
}

async function waitForKey({
  ctx,
  msg,
  missing,
}: {
  ctx: RenderContext;
  msg: Source;
  /** Keys looked for long enough in this batch. */
  missing: Set<string>;
}): Promise<string> {
  const { domain, stream, logger, ended } = ctx;
  let open = msg.open;
  for (let attempt = 0; ; attempt++) {
    try {
      return frameOf(toPublicEvent({ domain, stream, msg, open }));
    } catch (err) {
      if (!(err instanceof KeyPending)) {
        skipped(ctx, msg, err);
        return '';
      }
      // Made by another process a moment ago: look again, a little later each time. A key
      // still nowhere (or a reader gone) does not hold the feed up, nor leave a gap in it:
      // the event goes out with its personal fields withheld.
      const wait = KEY_WAITS_MS[attempt];
      const left = ctx.keyDeadline - Date.now();
      if (wait !== undefined && left > 0 && !missing.has(err.keyId) && !ended()) {
        if (attempt === 0) await ctx.beforeWait();
        await fetchKey(err.keyId);
        await sleep(Math.min(wait, left));
        await fetchKey(err.keyId);
        continue;
      }
      missing.add(err.keyId);
      logger.warn({ stream, seq: msg.seq, keyId: err.keyId }, 'feed withheld the fields of a key not loaded');
      open = false;
    }
  }
}

function skipped(ctx: RenderContext, msg: Source, err: unknown): void {
  ctx.logger.warn(
    { err, stream: ctx.stream, seq: msg.seq, ns: ctx.log.names.stream(ctx.domain) },
    'feed skipped an undecodable event',
  );
}

/** One SSE frame: the event's id, then the event as JSON on one data line. */
function frameOf(event: PublicEvent): string {
  return `id: ${event.id}\nevent: event\ndata: ${JSON.stringify(event)}\n\n`;
}
