// Preferences, live (edge/preferences/live.ts sends it; ui/src/preferences reads it): a change
// goes to every open socket of its member, on every edge. It carries what the event that
// changed them says: every preference but the muted kinds, or only those (home's settings).
import type { MemberPreferences } from './preferences.api.ts';

export type PreferencesFrame = { type: 'preferences'; preferences: Partial<MemberPreferences> };
