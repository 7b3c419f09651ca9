// Play's live pushes, which arrive on the chat's socket (contracts/play.frames.ts): someone
// levelled up or earned an achievement (sent to that person only), or the boards, challenges
// or lists moved (sent to all). Checked here: a frame is untrusted until it is.
import type { PlayFrame } from '../../../contracts/play.frames.ts';

const isString = (v: unknown): v is string => typeof v === 'string';

/** A play frame this page understands, or null (not play's, or from a newer server). */
export function parsePlayFrame(data: string): PlayFrame | null {
  let value: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(data);
    if (!parsed || typeof parsed !== 'object') return null;
    value = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  if (value.type !== 'play') return null;
  switch (value.event) {
    case 'level_up':
      return isString(value.user_id) && typeof value.level === 'number'
        ? { type: 'play', event: 'level_up', user_id: value.user_id, level: value.level }
        : null;
    case 'achievement':
      return isString(value.user_id) && isString(value.achievement) && isString(value.title)
        ? {
            type: 'play',
            event: 'achievement',
            user_id: value.user_id,
            achievement: value.achievement,
            title: value.title,
          }
        : null;
    case 'boards_changed':
    case 'challenges_changed':
    case 'changed':
      return { type: 'play', event: value.event };
    default:
      return null;
  }
}
