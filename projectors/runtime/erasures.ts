// A member's erasure as the read models of the chat, media and play streams meet it: one
// MemberErased under `<domain>.erasure.<member>` (writers/log/erasure.ts), after their key is
// gone. A read model blanks what it copied of their personal fields there, to what a rebuild
// writes from the shredded events, so a batch is applied in log order around each erasure:
// what came before it is blanked, what comes after is not touched by it.
import type { StoredEvent } from './types.ts';

type Body = { case?: string; value?: unknown };

/** The member an event erases, or undefined for every other event. */
export function erasedMember(e: StoredEvent): string | undefined {
  const event = e.event as Body;
  return event.case === 'memberErased' ? (event.value as { memberId: string }).memberId : undefined;
}

export const hasErasure = (events: StoredEvent[]): boolean =>
  events.some((e) => erasedMember(e) !== undefined);

/**
 * Applies a batch that may hold erasures: each run of other events with `run`, each erasure
 * with `erase`, in log order. A batch with none is one run.
 */
export async function aroundErasures<T extends StoredEvent>(
  events: T[],
  run: (events: T[]) => Promise<void>,
  erase: (memberId: string, e: T) => Promise<void>,
): Promise<void> {
  let from = 0;
  for (let i = 0; i < events.length; i++) {
    const member = erasedMember(events[i] as T);
    if (member === undefined) continue;
    if (i > from) await run(events.slice(from, i));
    await erase(member, events[i] as T);
    from = i + 1;
  }
  if (from < events.length) await run(from === 0 ? events : events.slice(from));
}
