// A notification row as the API and the socket show it, and the audiences a role belongs to.
import type { NotificationItem } from '../../contracts/home.api.ts';
import type { NotificationKind } from '../../contracts/home.schema.ts';
import type { NotificationRow } from '../../projectors/home-notifications/tables.ts';
import type { AuthGate } from '../http/deps.ts';
import { PLAY_PERMISSIONS } from '../http/permissions.ts';

export function toItem(row: NotificationRow & { actor_name: string; read?: boolean }): NotificationItem {
  return {
    id: row.id,
    kind: row.kind as NotificationKind,
    actor_id: row.actor_id,
    actor_name: row.actor_name,
    place: row.place,
    body: row.body,
    link: row.link,
    at: row.at.toISOString(),
    read: row.read ?? false,
  };
}

/** The audiences besides 'everyone' whose notifications a role gets: the permission they name. */
export function audiencesOf(auth: Pick<AuthGate, 'can'>, role: string): string[] {
  return auth.can(role, PLAY_PERMISSIONS.manage) ? ['play.manage'] : [];
}
