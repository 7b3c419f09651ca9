// The home commands' bodies: marking notifications read and each member's notification settings.
import type { JSONSchemaType } from 'ajv';

/** Every kind of notification the centre collects; settings mute them one by one. */
export const NOTIFICATION_KINDS = [
  'mention',
  'dm',
  'chore_waiting',
  'chore_approved',
  'chore_rejected',
  'match_to_confirm',
  'challenge_completed',
  'level_up',
  'achievement',
  'joined',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A notification's id, as the read model makes it: "<source>:<seq>:<member>" or similar. */
export const NOTIFICATION_ID = '^[A-Za-z0-9_:-]{1,200}$';

export type MarkNotificationsReadBody = { id?: string };
export const markNotificationsReadBody: JSONSchemaType<MarkNotificationsReadBody> = {
  type: 'object',
  properties: { id: { type: 'string', pattern: NOTIFICATION_ID, nullable: true } },
  additionalProperties: false,
};

export type NotificationSettingsBody = { muted: NotificationKind[] };
export const notificationSettingsBody: JSONSchemaType<NotificationSettingsBody> = {
  type: 'object',
  properties: {
    muted: {
      type: 'array',
      items: { type: 'string', enum: [...NOTIFICATION_KINDS] },
      maxItems: NOTIFICATION_KINDS.length,
      uniqueItems: true,
    },
  },
  required: ['muted'],
  additionalProperties: false,
};
