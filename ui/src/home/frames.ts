// Home's live pushes on the chat's socket (contracts/home.frames.ts), checked: a frame is
// untrusted until it is. Play's level-ups and achievements matter here too: they are
// notifications the server computes, so the centre reads itself again. And the feed tells
// everyone's milestones: when play's boards change (anyone's XP, level or achievements), Home
// reads the feed again.
import type { NotificationItem } from '../../../contracts/home.api.ts';
import type { HomeFrame } from '../../../contracts/home.frames.ts';

export type HomeSignal = HomeFrame | { type: 'play'; event: 'level_up' | 'achievement' | 'boards_changed' };

const isString = (v: unknown): v is string => typeof v === 'string';

function notification(v: unknown): NotificationItem | null {
  if (!v || typeof v !== 'object') return null;
  const n = v as Record<string, unknown>;
  const strings = ['id', 'kind', 'actor_id', 'actor_name', 'place', 'body', 'link', 'at'] as const;
  return strings.every((k) => isString(n[k])) ? (n as unknown as NotificationItem) : null;
}

export function parseHomeFrame(data: string): HomeSignal | null {
  let value: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(data);
    if (!parsed || typeof parsed !== 'object') return null;
    value = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  if (value.type === 'play')
    return value.event === 'level_up' || value.event === 'achievement' || value.event === 'boards_changed'
      ? { type: 'play', event: value.event }
      : null;
  if (value.type !== 'home') return null;
  switch (value.event) {
    case 'notification': {
      const n = notification(value.notification);
      return n ? { type: 'home', event: 'notification', notification: n } : null;
    }
    case 'read':
    case 'feed_changed':
      return { type: 'home', event: value.event };
    default:
      return null;
  }
}
