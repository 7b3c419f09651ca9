// Identifiers of chat aggregates. Every id is a subject token ([A-Za-z0-9_-]).
import { createHash, randomBytes } from 'node:crypto';
import { token } from '../../contracts/subjects.ts';
import { chatErrors } from './errors.ts';

/** The channel everyone is in; created by the first person who joins it. */
export const FAMILY_CHANNEL_ID = 'family';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID: 48 bits of milliseconds then 80 random bits, so ids sort by creation time. */
export function newId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = (CROCKFORD[t % 32] as string) + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[(bytes[i] as number) % 32];
  return time + rand;
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
  if (at < 0) throw new Error(`not a composite chat key: ${key}`);
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
