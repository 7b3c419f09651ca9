import type { ColumnType, Generated } from 'kysely';

export type PreferencesRow = {
  member_id: string;
  theme: Generated<string>;
  language: Generated<string>;
  /** An IANA zone; '' for the browser's own. */
  time_zone: Generated<string>;
  /** '' for the hub's default. */
  assistant_model: Generated<string>;
  /** Personal: blanked when the member is erased. */
  assistant_prompt: Generated<string>;
  updated_at: Date;
  /** The member's last event on the PREFERENCES stream. */
  last_seq: ColumnType<string, number, number>;
};

export type PreferencesDB = { members: PreferencesRow };
