export type PlayActivityDB = {
  messages: {
    seq: string;
    member_id: string;
    at: Date;
    repeat: boolean;
    channel_id: string | null;
    message_id: string | null;
    deleted: boolean;
  };
  last_message: { member_id: string; fingerprint: string };
  buckets: { member_id: string; bucket: Date; messages: number; unique_messages: number; first_at: Date };
};
