// Identifiers of play aggregates. Every id is a subject token ([A-Za-z0-9_-]{1,128}).
import { token } from '../../contracts/subjects.ts';
import { playErrors } from './errors.ts';

export { newId } from '../chat/ids.ts';

/** The rules and the settings are one per family: their subjects take no id. */
export const FAMILY_ID = 'family';

/** Aggregates addressed by two ids (a completion of a chore, a reward of a challenge). */
export function pairKey(a: string, b: string): string {
  return `${a}:${b}`;
}

export function splitPair(key: string): [string, string] {
  const at = key.indexOf(':');
  if (at < 0) throw new Error(`not a composite play key: ${key}`);
  return [key.slice(0, at), key.slice(at + 1)];
}

type What = 'match' | 'chore' | 'completion' | 'challenge';
const notFound = {
  match: playErrors.matchNotFound,
  chore: playErrors.choreNotFound,
  completion: playErrors.completionNotFound,
  challenge: playErrors.challengeNotFound,
} as const;

/** An id that cannot be a subject token names nothing that exists. */
export function checkedId(id: string, what: What): string {
  try {
    return token(id);
  } catch {
    throw notFound[what]();
  }
}
