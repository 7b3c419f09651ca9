import type { ColumnType } from 'kysely';
import type { StoredAttachment } from '../../writers/chat/attachments.ts';

type Seq = ColumnType<string, number, number>;

export type MessageRow = {
  channel_id: string;
  id: string;
  seq: Seq;
  sender_id: string;
  content: string;
  reply_to: string | null;
  mentions: string[];
  reactions: Record<string, string[]>;
  created_at: Date;
  edited_at: Date | null;
  deleted: boolean;
  deleted_by: string | null;
  last_seq: Seq;
  /** The post's snapshot of each attached file, in order; [] when none or deleted. */
  attachments: StoredAttachment[];
  /** The sender was erased: content and file names are blank, on every message of theirs. */
  erased: boolean;
};

export type ChatMessagesDB = { messages: MessageRow };
