// What the preferences API answers (edge/preferences/routes.ts fills it; ui/src/preferences reads it).
import type { NotificationKind } from './home.schema.ts';
import type { Language, Theme } from './preferences.schema.ts';

/** One member's preferences, every field set (defaults where they chose nothing). */
export type MemberPreferences = {
  theme: Theme;
  language: Language;
  /** An IANA zone; '' for the browser's own. */
  time_zone: string;
  /** '' for the hub's default. */
  assistant_model: string;
  assistant_prompt: string;
  muted_notifications: NotificationKind[];
};

export type PreferencesAnswer = {
  preferences: MemberPreferences;
  /** The position of the member's last change on its stream (0: none), for ?after=. */
  seq: number;
  /**
   * A change's answer that changed the muted kinds: the position of home's settings event, for
   * ?notifications_after= (the muted kinds are home's read model, not this one).
   */
  notifications_seq?: number;
};

export const DEFAULT_PREFERENCES: MemberPreferences = {
  theme: 'system',
  language: 'en',
  time_zone: '',
  assistant_model: '',
  assistant_prompt: '',
  muted_notifications: [],
};
