// Pages of history answered from memory. A page is the same for every member allowed to read
// the channel (membership is checked before, on every request), and it changes only when the
// chat_messages read model applies an event about one of the channel's messages. This edge's
// chat follower sees every chat event with its stream sequence, so a page read while the read
// model stood at position P stays right until the follower sees an event of that channel past P.
//
// What keeps that true:
// - P is read before the page, so the page holds at least every event up to P;
// - the follower sees every event after `from`; a page with P below it is never kept;
// - a page read for `?after=N` is only answered from a P of at least N (read-your-writes);
// - while NATS is away the follower hears nothing: nothing is answered or kept, and memory
//   starts empty when it is back;
// - an entry lives at most MAX_AGE_MS, so a follower that stopped hearing without saying so
//   cannot hold a page for long.
import { LRUCache } from 'lru-cache';

export const MAX_AGE_MS = 30_000;
/** Bodies are kept up to this many UTF-16 units in all (~16 MB). */
const MAX_SIZE = 8_000_000;

type Page = { body: string; asOf: number };

export type HistoryCache = ReturnType<typeof createHistoryCache>;

export function createHistoryCache({
  messageChannel,
  touchesEveryChannel = () => false,
}: {
  messageChannel: (subject: string) => string | null;
  /** An event that changes pages of any channel (a member's erasure blanks their lines everywhere). */
  touchesEveryChannel?: (subject: string) => boolean;
}) {
  const pages = new LRUCache<string, Page>({
    maxSize: MAX_SIZE,
    sizeCalculation: (p, key) => p.body.length + key.length,
    ttl: MAX_AGE_MS,
  });
  /** The newest event of each channel the follower has seen (a family has few channels). */
  const changed = new Map<string, number>();
  /** The newest event that changed every channel. */
  let changedAll = 0;
  const changedSince = (channel: string) => Math.max(changed.get(channel) ?? 0, changedAll);
  let from = Number.POSITIVE_INFINITY;
  let hearing = false;
  // Bumped when the follower goes deaf: a page read across it is not kept.
  let epoch = 0;

  return {
    /** The follower is in place and sees every event after `seq`. */
    following(seq: number) {
      from = seq;
      hearing = true;
    },
    seen(subject: string, seq: number) {
      const channel = messageChannel(subject);
      if (channel !== null && seq > (changed.get(channel) ?? 0)) changed.set(channel, seq);
      else if (channel === null && touchesEveryChannel(subject) && seq > changedAll) changedAll = seq;
    },
    deaf() {
      hearing = false;
      epoch++;
      pages.clear();
    },
    hearing() {
      if (from !== Number.POSITIVE_INFINITY) hearing = true;
    },
    /** Everything kept is read again (the read model changed under it with no event). */
    forget() {
      epoch++;
      pages.clear();
    },
    /** Never again from memory (in this process): what it knew of positions is void. */
    stop() {
      from = Number.POSITIVE_INFINITY;
      hearing = false;
      epoch++;
      pages.clear();
    },
    /**
     * The page's JSON body: from memory when nothing of its channel has changed since it was
     * read, else `load()`ed at the read model's `position()` and kept.
     */
    async page({
      channelId,
      key,
      after,
      position,
      load,
    }: {
      channelId: string;
      /** Everything else that chose the page: limit, before, before_seq. */
      key: string;
      after: number | undefined;
      position: () => Promise<number>;
      load: () => Promise<string>;
    }): Promise<string> {
      const id = `${channelId}\u0000${key}`;
      const kept = hearing ? pages.get(id) : undefined;
      if (kept && kept.asOf >= changedSince(channelId) && (after === undefined || kept.asOf >= after))
        return kept.body;
      const started = epoch;
      const asOf = await position();
      const body = await load();
      if (hearing && epoch === started && asOf >= from && asOf >= changedSince(channelId))
        pages.set(id, { body, asOf });
      return body;
    },
    size: () => pages.size,
  };
}
