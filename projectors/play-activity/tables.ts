export type PlayActivityDB = {
  messages: {
    seq: string;
    member_id: string;
    at: Date;
    repeat: boolean;
    channel_id: string | null;
    message_id: string | null;
    deleted: boolean;
    /** The last event that touched the row: its post, or its deletion. */
    last_seq: string;
  };
  /** last_seq: the member's last post, whose fingerprint this is. */
  last_message: { member_id: string; fingerprint: string; last_seq: string };
  /** last_seq: the latest post or deletion that changed its counts. */
  buckets: {
    member_id: string;
    bucket: Date;
    messages: number;
    unique_messages: number;
    first_at: Date;
    last_seq: string;
  };
};
