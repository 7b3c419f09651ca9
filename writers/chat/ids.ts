// Identifiers of chat aggregates. Every id is a subject token ([A-Za-z0-9_-]).
import { createHash, randomFillSync } from 'node:crypto';
import { ulid } from 'ulidx';
import { commonErrors } from '../../contracts/errors.ts';
import { token } from '../../contracts/subjects.ts';
import { chatErrors } from './errors.ts';

/** The channel everyone is in; created by the first person who joins it. */
export const FAMILY_CHANNEL_ID = 'family';

// 80 random bits per id, drawn from a pool refilled 4 KiB at a time: by default ulidx asks
// crypto for one byte per character, tens of microseconds an id.
const pool = new Uint8Array(4096);
let drawn = pool.length;
function random(): number {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  return (pool[drawn++] as number) / 256;
}

/**
 * A ULID: 48 bits of milliseconds then 80 random bits, so ids sort by creation time. Not
 * monotonic within a millisecond: the next id must not be guessable from the last one, as a
 * client may choose a message's id.
 */
export function newId(now = Date.now()): string {
  return ulid(now, random);
}

/** The same two people always share one direct-message channel, whoever opens it first. */
export function dmChannelId(a: string, b: string): string {
  const [x, y] = [a, b].sort();
  return `dm-${createHash('sha256').update(`${x}\n${y}`).digest('base64url').slice(0, 32)}`;
}

/** A message aggregate is addressed by its channel and its own id. */
export function messageKey(channelId: string, messageId: string): string {
  return `${channelId}:${messageId}`;
}

/** A read watermark is addressed by its channel and its reader. */
export function readerKey(channelId: string, userId: string): string {
  return `${channelId}:${userId}`;
}

export function splitKey(key: string): [string, string] {
  const at = key.indexOf(':');
  if (at < 0) throw commonErrors.invalidRequest('Give the two ids as a:b.', { field: 'id' });
  return [key.slice(0, at), key.slice(at + 1)];
}

/** An id that cannot be a subject token names nothing that exists. */
export function checkedId(id: string, what: 'channel' | 'message'): string {
  try {
    return token(id);
  } catch {
    throw what === 'channel' ? chatErrors.channelNotFound() : chatErrors.messageNotFound();
  }
}
