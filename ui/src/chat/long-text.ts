// Text longer than one message: how long it is as the server counts, where to cut it into
// messages that each fit, and when a message is long enough to fold on screen.
import { postMessageBody } from '../../../contracts/chat.schema.ts';

/** The server's limit on one message, in code points (ajv and the decider count the same). */
export const MESSAGE_MAX_CHARS: number = postMessageBody.properties.content.maxLength ?? 4000;

/**
 * The most parts a paste is split into: they go out at once, and the socket's rate limit lets
 * a burst of 20 through; beyond this it is a document, not a message.
 */
export const MAX_PARTS = 10;

/** Characters as the server counts them: an emoji is one, not two UTF-16 units. */
export const charCount = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

// Where a cut reads best, best first: between paragraphs, lines, sentences, words.
const BOUNDARIES = [/\n\s*\n/g, /\n/g, /[.!?…]["')\]]*\s+/g, /\s+/g];

/**
 * Cuts text into parts of at most `max` characters, in order, at the best boundary that
 * leaves the part at least half full (so one early paragraph break does not make a tiny
 * part); a single word longer than `max` is cut where it must be. Parts are trimmed.
 */
export function splitMessage(text: string, max: number = MESSAGE_MAX_CHARS): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest) {
    const points = Array.from(rest);
    if (points.length <= max) {
      parts.push(rest);
      break;
    }
    // The longest prefix that fits, as a string index (never inside a surrogate pair).
    const window = points.slice(0, max).join('');
    const cut = bestCut(window, rest);
    const part = rest.slice(0, cut).trimEnd();
    parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  return parts.filter((p) => p.length > 0);
}

/** The string index to cut `rest` at, within `window` (rest's longest prefix that fits). */
function bestCut(window: string, rest: string): number {
  // The window may end exactly where a boundary begins in the rest of the text.
  if (/^\s/.test(rest.slice(window.length))) return window.length;
  const enough = Math.floor(window.length / 2);
  for (const boundary of BOUNDARIES) {
    let end = -1;
    for (const match of window.matchAll(boundary)) end = (match.index ?? 0) + match[0].length;
    if (end > enough) return end;
  }
  return window.length;
}

/** On screen, a message longer than this (characters or lines) is folded behind "Show more". */
export const FOLD_CHARS = 600;
export const FOLD_LINES = 12;

export const isLong = (text: string): boolean =>
  text.length > FOLD_CHARS || text.split('\n').length > FOLD_LINES;
