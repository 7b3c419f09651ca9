import type { ColumnType } from 'kysely';

export type InviteRow = {
  id: string;
  role: string;
  expires_at: Date;
  max_uses: number;
  uses: number;
  /** The accounts it created, oldest first. */
  used_by: ColumnType<string[], string, string>;
  /** Empty when an operator made it with the hearth CLI. */
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_by: string | null;
  revoked_at: Date | null;
  last_seq: ColumnType<string, number, number>;
};

export type InvitesDB = { invites: InviteRow };
