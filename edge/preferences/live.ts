// Preferences, live: every edge follows the PREFERENCES stream and home's inboxes (where the
// muted kinds live) and sends each change to the sockets of its member open here, so their
// other tabs and devices follow at once (contracts/preferences.frames.ts).
import type { Logger } from 'pino';
import type { NotificationKind } from '../../contracts/home.schema.ts';
import type { MemberPreferences } from '../../contracts/preferences.api.ts';
import type { PreferencesFrame } from '../../contracts/preferences.frames.ts';
import type { Language, Theme } from '../../contracts/preferences.schema.ts';
import type { StoredEvent } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';
import { followStream } from './follow.ts';

export type PreferencesPush = { toUser: (userId: string, frame: PreferencesFrame) => void };

const SETTINGS = 'hearth.home.v1.NotificationSettingsChanged';

/** What one event says of its member's preferences: the fields it carries, or none. */
export function changeOf(
  e: StoredEvent,
): { memberId: string; preferences: Partial<MemberPreferences> } | null {
  const event = e.event as { case?: string; value?: Record<string, unknown> };
  if (event.case === 'notificationSettingsChanged') {
    const v = event.value as { memberId: string; mutedKinds: string[] };
    return { memberId: v.memberId, preferences: { muted_notifications: v.mutedKinds as NotificationKind[] } };
  }
  if (event.case !== 'preferencesChanged') return null;
  const v = event.value as {
    memberId: string;
    theme?: string;
    language?: string;
    timeZone?: string;
    assistantModel?: string;
    assistantPrompt?: string;
  };
  const p: Partial<MemberPreferences> = {};
  if (v.theme !== undefined) p.theme = v.theme as Theme;
  if (v.language !== undefined) p.language = v.language as Language;
  if (v.timeZone !== undefined) p.time_zone = v.timeZone;
  if (v.assistantModel !== undefined) p.assistant_model = v.assistantModel;
  // An erased member's prompt reads absent: nothing of it is sent.
  if (v.assistantPrompt !== undefined) p.assistant_prompt = v.assistantPrompt;
  return Object.keys(p).length > 0 ? { memberId: v.memberId, preferences: p } : null;
}

export function createPreferencesLive({
  log,
  logger,
  push,
}: {
  log: Log;
  logger: Logger;
  push?: PreferencesPush | undefined;
}) {
  const followers: { stop: () => Promise<void> }[] = [];
  const onEvent = (e: StoredEvent) => {
    const change = changeOf(e);
    if (change) push?.toUser(change.memberId, { type: 'preferences', preferences: change.preferences });
  };
  return {
    /** Resolves once both are followed: every change appended later is pushed. */
    start: async () => {
      if (!push || followers.length > 0) return;
      followers.push(
        await followStream({ log, domain: 'preferences', logger, onEvent }),
        await followStream({
          log,
          domain: 'home',
          // Reads are most of home's events: only settings are decoded.
          wants: (type) => type === SETTINGS,
          logger,
          onEvent,
        }),
      );
    },
    stop: async () => {
      await Promise.all(followers.splice(0).map((f) => f.stop()));
    },
  };
}
