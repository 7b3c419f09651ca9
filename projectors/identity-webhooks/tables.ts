import type { ColumnType } from 'kysely';

export type WebhookRow = {
  id: string;
  name: string;
  /** Empty since target_sealed: the URL is sealed. */
  url: string;
  target_sealed: Uint8Array | null;
  subjects: ColumnType<string[], string, string>;
  secret_sealed: Uint8Array;
  registered_by: string;
  registered_at: Date;
  changed_at: Date | null;
  removed_at: Date | null;
  last_seq: ColumnType<string, number, number>;
};

export type WebhooksDB = { webhooks: WebhookRow };
