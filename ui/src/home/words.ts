// Each notification and feed item said in family words.
import type { FeedItem, NotificationItem } from '../../../contracts/home.api.ts';
import type { NotificationKind } from '../../../contracts/home.schema.ts';

const quoted = (s: string) => (s ? `“${s}”` : 'a chore');

export function notificationTitle(n: NotificationItem): string {
  const who = n.actor_name || 'Someone';
  switch (n.kind) {
    case 'mention':
      return `${who} mentioned you in ${n.place ? `#${n.place}` : 'a conversation'}`;
    case 'dm':
      return `${who} sent you a message`;
    case 'chore_waiting':
      return `${who} did ${quoted(n.place)}: it waits for your approval`;
    case 'chore_approved':
      return `Your chore ${quoted(n.place)} was approved`;
    case 'chore_rejected':
      return `Your chore ${quoted(n.place)} was not approved`;
    case 'match_to_confirm':
      return `${who} reported a ${n.place || 'game'} match: confirm your place`;
    case 'challenge_completed':
      return `You completed the challenge ${quoted(n.place)}`;
    case 'level_up':
      return `You reached level ${n.place}`;
    case 'achievement':
      return `You unlocked ${quoted(n.place)}`;
    case 'joined':
      return `${who} joined the family`;
  }
}

export const KIND_LABELS: Record<NotificationKind, string> = {
  mention: 'Mentions',
  dm: 'Direct messages',
  chore_waiting: 'Chores waiting for approval',
  chore_approved: 'My chores approved',
  chore_rejected: 'My chores not approved',
  match_to_confirm: 'Matches to confirm',
  challenge_completed: 'Challenges completed',
  level_up: 'Level-ups',
  achievement: 'Achievements',
  joined: 'Someone joined',
};

export function feedTitle(f: FeedItem): string {
  const who = f.actor_name || 'Someone';
  switch (f.kind) {
    case 'joined':
      return `${who} joined the family`;
    case 'level_up':
      return `${who} reached level ${f.place}`;
    case 'achievement':
      return `${who} unlocked ${quoted(f.place)}`;
    case 'chore_approved':
      return `${who} did ${quoted(f.place)}`;
    case 'match_settled':
      return `${who} won a ${f.place || 'game'} match`;
    case 'challenge_completed':
      return `${who} completed the challenge ${quoted(f.place)}`;
    case 'photos_shared':
      return `${who} shared ${f.detail || 'photos'}`;
  }
}

/** "Ann +12.5, Bob −12.5": a settled match's rating changes. */
export function ratingLine(f: FeedItem): string {
  return f.ratings
    .filter((r) => r.delta !== null)
    .map(
      (r) => `${r.name || 'someone'} ${(r.delta ?? 0) >= 0 ? '+' : '−'}${Math.abs(r.delta ?? 0).toFixed(1)}`,
    )
    .join(', ');
}

const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return 'just now';
  if (abs < 3600) return RELATIVE.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return RELATIVE.format(Math.round(seconds / 3600), 'hour');
  return RELATIVE.format(Math.round(seconds / 86400), 'day');
}
