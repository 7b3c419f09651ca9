// Pinpoints which events of a range whose checkpoint did not match differ from what the chainer
// linked (verify.ts), from the per-event links it kept.
import type { AuditProblem } from '../../contracts/audit.api.ts';
import { type ChainEvent, equalLinks, link } from './chain.ts';
import type { StoredLinks } from './verify.ts';

/** How far around an event the pinpoint looks for where it belongs. */
const WINDOW = 16;

/**
 * Which events of a mismatched range differ from what the chainer linked: each event is
 * checked on its own, from the stored link before it. One that belongs elsewhere in the range
 * was moved (reordered), or stands where a removed one stood (missing); else it was altered.
 */
export async function pinpoint({
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
