// Verifies one stream's events against its signed checkpoints (chain.ts): recomputes the links
// from an anchor, checks every checkpoint's signature and link, and when a checkpoint does not
// match, pinpoints the event with the per-event links the chainer kept.
import type { AuditProblem, AuditProblemKind, AuditStreamReport } from '../../contracts/audit.api.ts';
import { type ChainEvent, type Checkpoint, equalLinks, link, ZERO_LINK } from './chain.ts';
import { pinpoint } from './pinpoint.ts';
import { type CheckedCheckpoint, continues } from './signatures.ts';

export type SignedCheckpoint = { checkpoint: Checkpoint; signature: Uint8Array };

/** The chainer's per-event links over [from, to], by sequence (hints: only checkpoints are trusted). */
export type StoredLinks = (from: number, to: number) => Promise<Map<number, Uint8Array>>;

/**
 * What verify asks of a batch's links: the running link replaced before the events `resets`
 * names (an anchor, a signed checkpoint's link, a restart's zero link), and the links after
 * the events `reports` names (checkpoints), in that order.
 */
export type ChainPlan = { resets: { at: number; link: Uint8Array }[]; reports: number[] };

/**
 * Events as verify walks them, a batch at a time: how many, each one's sequence, and the batch
 * chained on from the running link the batch before left (so a reader can hash messages where
 * they lie, without objects, and elsewhere: on a thread of its own while verify reads on).
 */
export type LinkBatch = {
  count: number;
  seq: (i: number) => number;
  chain: (plan: ChainPlan) => Uint8Array[] | Promise<Uint8Array[]>;
};

/** The running link a walk's batches carry from one to the next. */
export type Running = { link: Uint8Array };

/** A plan carried out here, event by event: `linkAt` chains event i on from the link before. */
export function chainHere(
  count: number,
  linkAt: (previous: Uint8Array, i: number) => Uint8Array,
  running: Running,
  { resets, reports }: ChainPlan,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  let r = 0;
  let k = 0;
  let l = running.link;
  for (let i = 0; i < count; i++) {
    const reset = resets[r];
    if (reset?.at === i) {
      l = reset.link;
      r++;
    }
    l = linkAt(l, i);
    // A link may be a view the next event overwrites: a reported one is copied.
    if (reports[k] === i) {
      out.push(Uint8Array.from(l));
      k++;
    }
  }
  running.link = Uint8Array.from(l);
  return out;
}

export const linkBatch = (events: ChainEvent[], running: Running = { link: ZERO_LINK }): LinkBatch => ({
  count: events.length,
  seq: (i) => (events[i] as ChainEvent).seq,
  chain: (plan) =>
    chainHere(events.length, (previous, i) => link(previous, events[i] as ChainEvent), running, plan),
});

/** The events over [from, to] read again, to pinpoint a mismatch (the walk keeps none). */
export type Reread = (from: number, to: number) => Promise<ChainEvent[]>;

/** The most events of one checkpoint's range read again to pinpoint a mismatch; past it, only the range is named. */
const KEEP_MAX = 200_000;

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

  // The link the next event chains on from, when it is not the one before it: the walk decides
  // what each event chains on from and where a checkpoint compares, the batch links (maybe on
  // another thread), and the comparisons are made as the links come, in order.
  let reset: Uint8Array | undefined = anchor?.link ?? ZERO_LINK;
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
  let keptAnchor = reset;
  type Check = {
    seq: number;
    want: Uint8Array;
    keptFrom: number;
    rereadFrom: number;
    keptAnchor: Uint8Array;
  };
  const compare = async (links: Uint8Array[], checks: Check[]) => {
    for (const [i, c] of checks.entries()) {
      if (equalLinks(links[i] as Uint8Array, c.want)) continue;
      problem(c.seq, 'chain_mismatch', `the checkpoint through ${c.seq} does not match the events`);
      if (storedLinks && reread && c.seq - c.rereadFrom < KEEP_MAX) {
        const kept = await reread(c.rereadFrom, c.seq);
        if (kept.length > 0)
          for (const p of await pinpoint({
            kept,
            keptFrom: c.keptFrom,
            keptAnchor: c.keptAnchor,
            storedLinks,
          }))
            problems.push(p);
      }
    }
  };
  let compared: Promise<void> = Promise.resolve();

  try {
    for await (const batch of events) {
      const plan: ChainPlan = { resets: [], reports: [] };
      const checks: Check[] = [];
      for (let i = 0; i < batch.count; i++) {
        const seq = batch.seq(i);
        if (seq < expected) continue; // a duplicate line, already reported as out of order
        if (seq > expected && count === 0 && expired && (await expired(seq))) {
          // Expired while verify read the checkpoints: the walk starts at the first one left.
          const kept = storedLinks ? (await storedLinks(seq - 1, seq - 1)).get(seq - 1) : undefined;
          const signedAnchor = [...valid.values()].find((c) => c.checkpoint.firstSeq === seq);
          reset = signedAnchor?.checkpoint.anchor ?? kept ?? ZERO_LINK;
          anchored = signedAnchor !== undefined || kept !== undefined;
          if (!anchored && !restarts.has(seq))
            problem(seq, 'unanchored', `no signed checkpoint or kept link anchors the chain before ${seq}`);
          expected = seq;
          keptFrom = seq;
          rereadFrom = seq;
          keptAnchor = reset;
        }
        if (restarts.has(seq)) {
          reset = ZERO_LINK;
          anchored = true;
          keptFrom = seq;
          rereadFrom = seq;
          keptAnchor = reset;
        }
        if (seq > expected && expected >= startSeq && (count > 0 || anchor !== undefined)) {
          problem(
            expected,
            'missing',
            seq - expected === 1
              ? `event ${expected} is missing`
              : `events ${expected}–${seq - 1} are missing`,
          );
          // The chain is broken here: the next signed checkpoint anchors it again.
          anchored = false;
          rereadFrom = seq;
        }
        if (count === 0) first = seq;
        count++;
        expected = seq + 1;
        lastSeq = seq;
        if (reset) {
          plan.resets.push({ at: i, link: reset });
          reset = undefined;
        }
        const c = valid.get(seq);
        if (!c) continue;
        checked++;
        if (anchored && seq >= fromSeq - 1) {
          plan.reports.push(i);
          checks.push({ seq, want: c.checkpoint.link, keptFrom, rereadFrom, keptAnchor });
        }
        signedThrough = seq;
        // A signed checkpoint anchors what follows, whatever came before it.
        reset = c.checkpoint.link;
        anchored = true;
        keptFrom = seq + 1;
        rereadFrom = keptFrom;
        keptAnchor = reset;
      }
      const links = batch.chain(plan);
      compared = compared.then(async () => compare(await links, checks));
    }
    await compared;
  } finally {
    // A walk cut short (a read failed) leaves no comparison to fail unheard.
    compared.catch(() => undefined);
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
