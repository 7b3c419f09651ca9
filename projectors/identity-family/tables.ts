import type { ColumnType } from 'kysely';

export type FamilyRow = {
  /** Always 'family': there is one per hub. */
  id: string;
  name: string | null;
  sign_up_mode: string | null;
  email_domains: ColumnType<string[] | null, string | null, string | null>;
  updated_at: Date;
  last_seq: ColumnType<string, number, number>;
};

export type FamilyDB = { family: FamilyRow };
