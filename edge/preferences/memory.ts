// Members' preferences held in this edge's memory, for the assistant (each prompt reads the
// member's model and instructions) without a database round trip. An entry is read from the
// read model once, then kept up to date by the member's changes: those this edge hears on the
// PREFERENCES stream (live.ts), in order; one it appends itself (the PATCH route) lets the entry
// go, to be read again. Each change carries the stream sequence it was stored at, so a read of
// the read model older than a change heard meanwhile is used once but never kept, and an erasure
// ends what was kept. A missed event, a new stream or a rewritten read model let everything go.
import { LRUCache } from 'lru-cache';
import type { StoredPreferences } from '../../projectors/preferences-members/queries.ts';

/** How long an entry is answered without asking the read model again, whatever was heard. */
const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 10_000;
const MAX_HEARD = 50_000;

export type PreferencesChange = Partial<
  Pick<StoredPreferences, 'theme' | 'language' | 'time_zone' | 'assistant_model' | 'assistant_prompt'>
>;

export type PreferencesMemory = ReturnType<typeof createPreferencesMemory>;

export function createPreferencesMemory({
  load,
  maxAgeMs = MAX_AGE_MS,
  now = Date.now,
}: {
  /** The member's preferences as the read model has them (the defaults for none). */
  load: (memberId: string) => Promise<StoredPreferences>;
  maxAgeMs?: number;
  now?: () => number;
}) {
  const entries = new LRUCache<string, { prefs: StoredPreferences; freshUntil: number }>({
    max: MAX_ENTRIES,
  });
  /** Member → the newest sequence of theirs heard: a read of the read model below it is not kept. */
  const heard = new LRUCache<string, number>({ max: MAX_HEARD });
  /** Only while this edge follows the stream is anything kept: else every read asks the read model. */
  let hearing = false;

  return {
    async get(memberId: string): Promise<StoredPreferences> {
      const hit = hearing ? entries.get(memberId) : undefined;
      if (hit && now() < hit.freshUntil) return hit.prefs;
      const prefs = await load(memberId);
      const newest = Math.max(heard.get(memberId) ?? 0, entries.peek(memberId)?.prefs.seq ?? 0);
      if (hearing && prefs.seq >= newest) entries.set(memberId, { prefs, freshUntil: now() + maxAgeMs });
      return prefs;
    },
    /**
     * A change this edge appended, stored at `seq`: what it held of the member is let go (not
     * merged: a change through another edge stored before it may not be heard yet), and a read
     * of the read model older than it is not kept.
     */
    wrote(memberId: string, seq: number): void {
      heard.set(memberId, Math.max(seq, heard.get(memberId) ?? 0));
      entries.delete(memberId);
    },
    /** A change of the member's heard on the stream, stored at `seq`: only the fields it carries. */
    changed(memberId: string, seq: number, change: PreferencesChange): void {
      heard.set(memberId, Math.max(seq, heard.get(memberId) ?? 0));
      const hit = entries.peek(memberId);
      if (hit && hit.prefs.seq < seq) hit.prefs = { ...hit.prefs, ...change, seq };
    },
    /** Whether this edge follows the PREFERENCES stream (live.ts): what it stopped hearing is let go. */
    hearing(on: boolean): void {
      hearing = on;
      if (!on) entries.clear();
    },
    /** An event of the stream may have been missed (follow.ts onLost): what is held is read again. */
    lost(): void {
      entries.clear();
    },
    /**
     * The read model was rewritten (what was read of it is stale), or the stream is new: then
     * its sequences start again, so nothing heard stands either (an erasure heard before is the
     * new stream's read model's to answer).
     */
    reset({ newStream = false }: { newStream?: boolean } = {}): void {
      entries.clear();
      if (newStream) heard.clear();
    },
    /** Their erasure: nothing of theirs is kept from now on (the read model answers for them). */
    erased(memberId: string): void {
      entries.delete(memberId);
      heard.set(memberId, Number.MAX_SAFE_INTEGER);
    },
  };
}
