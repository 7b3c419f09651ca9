import type { ColumnType } from 'kysely';

type Seq = ColumnType<string, number, number>;

export type ChannelRow = {
  id: string;
  name: string;
  kind: string;
  created_by: string;
  archived: boolean;
  created_at: Date;
  last_message_seq: Seq;
  last_message_at: Date | null;
  last_seq: Seq;
};

export type MemberRow = {
  channel_id: string;
  user_id: string;
  joined_at: Date;
  read_seq: Seq;
  last_seq: Seq;
};

export type ChatChannelsDB = { channels: ChannelRow; members: MemberRow };
