// Shared facts for the scoring tests: three members, a Friday "now", chess matches.
import type { MatchFact, MessageDay, PlayFacts } from './engine.ts';

export const NOW = new Date('2026-11-20T18:00:00Z'); // a Friday
export const at = (iso: string) => new Date(iso);

export function facts(over: Partial<PlayFacts> = {}): PlayFacts {
  return {
    timeZone: 'UTC',
    hiddenMemberIds: [],
    members: [
      { id: 'ann', name: 'Ann' },
      { id: 'bob', name: 'Bob' },
      { id: 'cy', name: 'Cy' },
    ],
    messageDays: [],
    messageMilestones: [],
    media: [],
    matches: [],
    chores: [],
    rewards: [],
    challenges: [],
    challengeMessages: [],
    ...over,
  };
}

export const match = (
  id: string,
  seq: number,
  placements: [string, number][],
  when = '2026-11-19T10:00:00Z',
): MatchFact => ({
  matchId: id,
  game: 'chess',
  gameName: 'Chess',
  settledAt: at(when),
  settledSeq: seq,
  placements: placements.map(([userId, place]) => ({ userId, place })),
});

let nextSeq = 1_000;
/** A member's day of chat: `unique` messages that count, a minute apart from `first` on. */
export function messageDay(
  memberId: string,
  day: string,
  unique: number,
  { messages = unique, first = `${day}T08:00:00Z` }: { messages?: number; first?: string } = {},
): MessageDay {
  const start = at(first).getTime();
  return {
    memberId,
    day,
    unique,
    messages,
    firstAt: at(first),
    counted: Array.from({ length: unique }, (_, i) => ({ seq: nextSeq++, at: new Date(start + i * 60_000) })),
  };
}
