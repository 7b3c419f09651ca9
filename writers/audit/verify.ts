// Verifies one stream's events against its signed checkpoints (chain.ts): recomputes the links
// from an anchor, checks every checkpoint's signature and link, and when a checkpoint does not
// match, pinpoints the event with the per-event links the chainer kept.
import type { AuditProblem, AuditProblemKind, AuditStreamReport } from '../../contracts/audit.api.ts';
import { type ChainEvent, type Checkpoint, equalLinks, link, ZERO_LINK } from './chain.ts';
import { type CheckedCheckpoint, continues } from './signatures.ts';

export type SignedCheckpoint = { checkpoint: Checkpoint; signature: Uint8Array };

/** The chainer's per-event links over [from, to], by sequence (hints: only checkpoints are trusted). */
export type StoredLinks = (from: number, to: number) => Promise<Map<number, Uint8Array>>;

/**
 * Events as verify walks them, a batch at a time: how many, each one's sequence, and its link
 * from the one before (so a reader can hash messages where they lie, without objects). A link
 * may be a view the next call overwrites: it is only chained on or compared.
 */
export type LinkBatch = {
  count: number;
  seq: (i: number) => number;
  link: (previous: Uint8Array, i: number) => Uint8Array;
};

export const linkBatch = (events: ChainEvent[]): LinkBatch => ({
  count: events.length,
  seq: (i) => (events[i] as ChainEvent).seq,
  link: (previous, i) => link(previous, events[i] as ChainEvent),
});

/** The events over [from, to] read again, to pinpoint a mismatch (the walk keeps none). */
export type Reread = (from: number, to: number) => Promise<ChainEvent[]>;

/** The most events of one checkpoint's range read again to pinpoint a mismatch; past it, only the range is named. */
const KEEP_MAX = 200_000;
/** How far around an event the pinpoint looks for where it belongs. */
const WINDOW = 16;

/**
 * Checks `events` (in the order they were read, from `startSeq`) against `checkpoints` (those
 * from `startSeq` on, their signatures checked once: signatures.ts). `prior` is the signed
 * checkpoint the walk starts from, which the first of them continues. `fromSeq` is where the
 * caller asked to start (events before it are only chained). `outOfOrder` are sequences the
 * reader found out of order (an export file). `expired` says whether events before a sequence
 * are gone from the stream now (a leading gap that is expiry, not deletion).
 */
export async function verifyEvents({
  stream,
  events,
  checkpoints,
  keyId,
  startSeq,
  fromSeq,
  anchor,
  storedLinks,
  reread,
  outOfOrder = [],
  prior,
  expired,
}: {
  stream: string;
  events: AsyncIterable<LinkBatch>;
  checkpoints: CheckedCheckpoint[];
  keyId: string;
  startSeq: number;
  fromSeq: number;
  /** link(startSeq - 1), or undefined when nothing anchors it. */
  anchor: { link: Uint8Array; signed: boolean } | undefined;
  storedLinks?: StoredLinks | undefined;
  reread?: Reread | undefined;
  outOfOrder?: number[];
  prior?: Checkpoint | undefined;
  expired?: ((seq: number) => Promise<boolean>) | undefined;
}): Promise<AuditStreamReport> {
  const problems: AuditProblem[] = [];
  const problem = (seq: number, kind: AuditProblemKind, detail: string) =>
    problems.push({ seq, kind, detail });
  const valid = new Map<number, SignedCheckpoint>();
  // Where a checkpoint begins the chain again from the zero link (events expired unchained).
  const restarts = new Set<number>();
  let prev = prior;
  for (const c of checkpoints) {
    if (c.checkpoint.seq < startSeq) continue;
    if (c.valid) {
      valid.set(c.checkpoint.seq, c);
      linkage(prev, c.checkpoint);
      prev = c.checkpoint;
    } else {
      problem(
        c.checkpoint.seq,
        'bad_signature',
        `the checkpoint through ${c.checkpoint.seq} is not signed by key ${keyId} (says ${c.checkpoint.keyId})`,
      );
    }
  }
  function linkage(before: Checkpoint | undefined, c: Checkpoint): void {
    const zero = equalLinks(c.anchor, ZERO_LINK);
    if (before === undefined) {
      if (zero && c.firstSeq > Math.max(startSeq, 1)) restart(c);
      return;
    }
    if (continues(before, c)) return;
    if (c.firstSeq <= before.seq)
      problem(
        c.firstSeq,
        'chain_mismatch',
        `the checkpoint through ${c.seq} covers from ${c.firstSeq}, overlapping the one through ${before.seq}`,
      );
    else if (zero && c.firstSeq > before.seq + 1) restart(c);
    else
      problem(
        c.firstSeq,
        'chain_mismatch',
        `the checkpoint through ${c.seq} does not continue the one through ${before.seq}`,
      );
  }
  function restart(c: Checkpoint): void {
    restarts.add(c.firstSeq);
    problem(
      c.firstSeq,
      'unanchored',
      `the chain began again at ${c.firstSeq} (events before it expired unchained)`,
    );
  }
  for (const seq of outOfOrder) problem(seq, 'reordered', `event ${seq} is out of sequence order`);
  if (!anchor)
    problem(startSeq, 'unanchored', `no signed checkpoint or kept link anchors the chain before ${startSeq}`);

  let running: Uint8Array = anchor?.link ?? ZERO_LINK;
  let anchored = anchor !== undefined;
  let expected = startSeq;
  let first = 0;
  let lastSeq = startSeq - 1;
  let count = 0;
  let checked = 0;
  let signedThrough = 0;
  // Where the range since the last checkpoint starts, and its anchor, to pinpoint a mismatch.
  let keptFrom = startSeq;
  let rereadFrom = startSeq;
  let keptAnchor = running;

  for await (const batch of events) {
    for (let i = 0; i < batch.count; i++) {
      const seq = batch.seq(i);
      if (seq < expected) continue; // a duplicate line, already reported as out of order
      if (seq > expected && count === 0 && expired && (await expired(seq))) {
        // Expired while verify read the checkpoints: the walk starts at the first one left.
        const kept = storedLinks ? (await storedLinks(seq - 1, seq - 1)).get(seq - 1) : undefined;
        const signedAnchor = [...valid.values()].find((c) => c.checkpoint.firstSeq === seq);
        running = signedAnchor?.checkpoint.anchor ?? kept ?? ZERO_LINK;
        anchored = signedAnchor !== undefined || kept !== undefined;
        if (!anchored && !restarts.has(seq))
          problem(seq, 'unanchored', `no signed checkpoint or kept link anchors the chain before ${seq}`);
        expected = seq;
        keptFrom = seq;
        rereadFrom = seq;
        keptAnchor = running;
      }
      if (restarts.has(seq)) {
        running = ZERO_LINK;
        anchored = true;
        keptFrom = seq;
        rereadFrom = seq;
        keptAnchor = running;
      }
      if (seq > expected && expected >= startSeq && (count > 0 || anchor !== undefined)) {
        problem(
          expected,
          'missing',
          seq - expected === 1 ? `event ${expected} is missing` : `events ${expected}–${seq - 1} are missing`,
        );
        // The chain is broken here: the next signed checkpoint anchors it again.
        anchored = false;
        rereadFrom = seq;
      }
      if (count === 0) first = seq;
      count++;
      expected = seq + 1;
      lastSeq = seq;
      running = batch.link(running, i);
      const c = valid.get(seq);
      if (!c) continue;
      checked++;
      if (anchored && seq >= fromSeq - 1 && !equalLinks(running, c.checkpoint.link)) {
        problem(seq, 'chain_mismatch', `the checkpoint through ${seq} does not match the events`);
        if (storedLinks && reread && seq - rereadFrom < KEEP_MAX) {
          const kept = await reread(rereadFrom, seq);
          if (kept.length > 0)
            for (const p of await pinpoint({ kept, keptFrom, keptAnchor, storedLinks })) problems.push(p);
        }
      }
      signedThrough = seq;
      // A signed checkpoint anchors what follows, whatever came before it.
      running = c.checkpoint.link;
      anchored = true;
      keptFrom = seq + 1;
      rereadFrom = keptFrom;
      keptAnchor = running;
    }
  }
  for (const c of valid.values()) {
    if (c.checkpoint.seq > lastSeq && c.checkpoint.seq >= startSeq) {
      problem(
        lastSeq + 1,
        'missing',
        `a checkpoint covers events through ${c.checkpoint.seq}, the stream ends at ${lastSeq}`,
      );
      break;
    }
  }
  problems.sort((a, b) => a.seq - b.seq);
  const shown = problems.filter((p) => p.seq >= fromSeq || p.kind !== 'chain_mismatch');
  return {
    stream,
    from_seq: count > 0 ? Math.max(first, fromSeq) : fromSeq,
    to_seq: lastSeq,
    events: count,
    checkpoints: checked,
    signed_through: signedThrough,
    ok: shown.length === 0,
    problems: shown,
  };
}

/**
 * Which events of a mismatched range differ from what the chainer linked: each event is
 * checked on its own, from the stored link before it. One that belongs elsewhere in the range
 * was moved (reordered), or stands where a removed one stood (missing); else it was altered.
 */
async function pinpoint({
  kept,
  keptFrom,
  keptAnchor,
  storedLinks,
}: {
  kept: ChainEvent[];
  keptFrom: number;
  keptAnchor: Uint8Array;
  storedLinks: StoredLinks;
}): Promise<AuditProblem[]> {
  const last = kept[kept.length - 1]?.seq ?? keptFrom;
  const stored = await storedLinks(keptFrom - 1, last + WINDOW);
  const prev = (seq: number) => (seq === keptFrom ? keptAnchor : stored.get(seq - 1));
  const matchesAt = (e: ChainEvent, seq: number) => {
    const before = prev(seq);
    const want = stored.get(seq);
    return before !== undefined && want !== undefined && equalLinks(link(before, { ...e, seq }), want);
  };
  const out: AuditProblem[] = [];
  for (const [i, e] of kept.entries()) {
    if (!stored.has(e.seq) || matchesAt(e, e.seq)) continue;
    let moved = 0;
    for (let d = 1; d <= WINDOW && moved === 0; d++) {
      if (matchesAt(e, e.seq + d)) moved = d;
      else if (matchesAt(e, e.seq - d)) moved = -d;
    }
    if (moved === 0) {
      out.push({ seq: e.seq, kind: 'altered', detail: `event ${e.seq} differs from what was chained` });
      continue;
    }
    // The event chained at this sequence: still here, further on (reordered), or gone (missing).
    const elsewhere = kept.some((o, j) => j !== i && matchesAt(o, e.seq));
    out.push(
      elsewhere || moved < 0
        ? {
            seq: e.seq,
            kind: 'reordered',
            detail: `event ${e.seq} holds what was chained at ${e.seq + moved}`,
          }
        : {
            seq: e.seq,
            kind: 'missing',
            detail: `the event chained at ${e.seq} is gone (${e.seq} holds what was chained at ${e.seq + moved})`,
          },
    );
    // The rest of a shifted range says the same: one problem names where it starts.
    if (!elsewhere && moved > 0) break;
  }
  return out;
}
