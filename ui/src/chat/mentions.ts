// @mentions while typing: which partial name sits before the caret, and which people the
// finished text still mentions.
import type { Person } from '../identity/people.ts';

/** The "@partial" right before the caret, if the caret is in one. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(^|\s)@([^\s@]{0,30})$/.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - (match[2]?.length ?? 0) - 1, query: match[2] ?? '' };
}

export function suggest(people: Person[], query: string, me: string): Person[] {
  const q = query.toLowerCase();
  return people
    .filter(
      (p) =>
        p.id !== me &&
        p.name
          .toLowerCase()
          .split(/\s+/)
          .some((w) => w.startsWith(q)),
    )
    .slice(0, 6);
}

/** The ids picked from the menu whose "@Name" is still in the text. */
export function mentionedIds(text: string, picked: Person[]): string[] {
  return [...new Set(picked.filter((p) => text.includes(`@${p.name}`)).map((p) => p.id))];
}
