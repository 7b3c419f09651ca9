// Reading a member's preferences. The assistant reads them here too: memberPreferences answers
// the defaults for a member who never changed one.
import type { Kysely } from 'kysely';
import { LANGUAGE_TAGS, type Language, THEMES, type Theme } from '../../contracts/preferences.schema.ts';
import { PREFERENCES_MEMBERS } from './projection.ts';
import type { PreferencesDB } from './tables.ts';

export type StoredPreferences = {
  member_id: string;
  theme: Theme;
  language: Language;
  /** An IANA zone; '' for the browser's own. */
  time_zone: string;
  /** '' for the hub's default. */
  assistant_model: string;
  assistant_prompt: string;
  /** The member's last change on the PREFERENCES stream; 0 for none. */
  seq: number;
};

export const defaultPreferences = (memberId: string): StoredPreferences => ({
  member_id: memberId,
  theme: 'system',
  language: 'en',
  time_zone: '',
  assistant_model: '',
  assistant_prompt: '',
  seq: 0,
});

const isTheme = (v: string): v is Theme => (THEMES as readonly string[]).includes(v);
const isLanguage = (v: string): v is Language => (LANGUAGE_TAGS as readonly string[]).includes(v);

/** The member's preferences as the read model has them, or the defaults. */
export async function memberPreferences(db: Kysely<unknown>, memberId: string): Promise<StoredPreferences> {
  const row = await (db as Kysely<PreferencesDB>)
    .withSchema(PREFERENCES_MEMBERS)
    .selectFrom('members')
    .selectAll()
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  const defaults = defaultPreferences(memberId);
  if (!row) return defaults;
  return {
    member_id: row.member_id,
    // The writer takes only the lists' values; a list shortened since falls back to the default.
    theme: isTheme(row.theme) ? row.theme : defaults.theme,
    language: isLanguage(row.language) ? row.language : defaults.language,
    time_zone: row.time_zone,
    assistant_model: row.assistant_model,
    assistant_prompt: row.assistant_prompt,
    seq: Number(row.last_seq),
  };
}
