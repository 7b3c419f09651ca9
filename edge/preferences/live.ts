// Preferences, live: every edge follows the PREFERENCES stream and home's inboxes (where the
// muted kinds live) and sends each change to the sockets of its member open here, so their
// other tabs and devices follow at once (contracts/preferences.frames.ts). The changes of the
// PREFERENCES stream also keep the preferences this edge holds in memory up to date (memory.ts).
import type { Logger } from 'pino';
import type { NotificationKind } from '../../contracts/home.schema.ts';
import type { MemberPreferences } from '../../contracts/preferences.api.ts';
import type { PreferencesFrame } from '../../contracts/preferences.frames.ts';
import type { Language, Theme } from '../../contracts/preferences.schema.ts';
import type { StoredEvent } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';
import { followStream } from './follow.ts';
import type { PreferencesChange, PreferencesMemory } from './memory.ts';

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

/** The fields of a change that the read model of preferences stores. */
export function pickStored(p: Partial<MemberPreferences>): PreferencesChange {
  const { muted_notifications: _, ...stored } = p;
  return stored;
}

export function createPreferencesLive({
  log,
  logger,
  push,
  memory,
}: {
  log: Log;
  logger: Logger;
  push?: PreferencesPush | undefined;
  /** Kept up to date with every change of the PREFERENCES stream (memory.ts). */
  memory?: PreferencesMemory | undefined;
}) {
  const followers: { stop: () => Promise<void> }[] = [];
  const onEvent = (e: StoredEvent) => {
    const change = changeOf(e);
    if (change) push?.toUser(change.memberId, { type: 'preferences', preferences: change.preferences });
  };
  const onPreferences = (e: StoredEvent) => {
    const event = e.event as { case?: string; value?: { memberId?: string } };
    const memberId = event.value?.memberId ?? '';
    if (event.case === 'memberErased') memory?.erased(memberId);
    const change = changeOf(e);
    if (change) memory?.changed(change.memberId, e.seq, pickStored(change.preferences));
    onEvent(e);
  };
  return {
    /** Resolves once both are followed: every change appended later is pushed (and held). */
    start: async () => {
      if (followers.length > 0) return;
      if (push || memory) {
        followers.push(
          await followStream({
            log,
            domain: 'preferences',
            logger,
            onEvent: onPreferences,
            onLost: () => memory?.lost(),
            onNewStream: () => memory?.reset({ newStream: true }),
          }),
        );
        memory?.hearing(true);
      }
      if (!push) return;
      followers.push(
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
      memory?.hearing(false);
      await Promise.all(followers.splice(0).map((f) => f.stop()));
    },
  };
}
