// The preferences push on the socket (contracts/preferences.frames.ts), checked: a frame is
// untrusted until it is. Only the fields it carries, each of the right kind, are taken.
import { NOTIFICATION_KINDS } from '../../../contracts/home.schema.ts';
import type { MemberPreferences } from '../../../contracts/preferences.api.ts';
import { LANGUAGE_TAGS, THEMES } from '../../../contracts/preferences.schema.ts';

const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (list as readonly string[]).includes(v);

export function parsePreferencesFrame(data: string): Partial<MemberPreferences> | null {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  if (!frame || typeof frame !== 'object' || (frame as { type?: unknown }).type !== 'preferences')
    return null;
  const p = (frame as { preferences?: unknown }).preferences;
  if (!p || typeof p !== 'object') return null;
  const v = p as Record<string, unknown>;
  const out: Partial<MemberPreferences> = {};
  if (oneOf(THEMES, v.theme)) out.theme = v.theme;
  if (oneOf(LANGUAGE_TAGS, v.language)) out.language = v.language;
  if (typeof v.time_zone === 'string') out.time_zone = v.time_zone;
  if (typeof v.assistant_model === 'string') out.assistant_model = v.assistant_model;
  if (typeof v.assistant_prompt === 'string') out.assistant_prompt = v.assistant_prompt;
  if (
    Array.isArray(v.muted_notifications) &&
    v.muted_notifications.every((k) => oneOf(NOTIFICATION_KINDS, k))
  )
    out.muted_notifications = v.muted_notifications;
  return out;
}
