import type { ColumnType, Generated } from 'kysely';
import type { DeliveryStatus } from '../../contracts/integrators.api.ts';

export const DELIVERY_SCHEMA = 'webhooks_delivery';

export type DeliveryRow = {
  id: ColumnType<string, never, never>;
  webhook_id: string;
  stream: string;
  seq: ColumnType<string, number, number>;
  subject: string;
  type: string;
  body: string;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  next_at: Generated<Date>;
  last_status: number | null;
  last_error: string | null;
  created_at: Generated<Date>;
  delivered_at: Date | null;
};

export type DeliveryDB = { deliveries: DeliveryRow };
