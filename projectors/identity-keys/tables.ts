import type { ColumnType } from 'kysely';

export type KeyRow = {
  id: string;
  name: string;
  scopes: ColumnType<string[], string, string>;
  expires_at: Date;
  issued_by: string;
  issued_at: Date;
  revoked_by: string | null;
  revoked_at: Date | null;
  last_seq: ColumnType<string, number, number>;
};

export type KeysDB = { keys: KeyRow };
