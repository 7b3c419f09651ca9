import type { ColumnType } from 'kysely';

export type UserRow = {
  id: string;
  email: string;
  name: string;
  image: string | null;
  role: string;
  banned: boolean;
  banned_until: Date | null;
  ban_reason: string | null;
  registered_at: Date;
  last_sign_in_at: Date | null;
  sign_in_count: number;
  failed_sign_ins: number;
  /** Set when their personal data was erased (MemberErased): email and name '' and no image. */
  erased_at: Date | null;
  last_seq: ColumnType<string, number, number>;
};

export type UsersDB = { users: UserRow };
