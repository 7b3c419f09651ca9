export type PlayActivityDB = {
  messages: { seq: string; member_id: string; at: Date; repeat: boolean };
  last_message: { member_id: string; fingerprint: string };
};
