import type { ColumnType } from 'kysely';
import * as keeper20261207 from './migrations/20261207T1400_log_keeper.ts';

export const LOG_KEEPER_SCHEMA = 'log_keeper';
export const logKeeperMigrations = { '20261207T1400_log_keeper': keeper20261207 };

export type LogKeeperDB = {
  positions: { stream: string; seq: ColumnType<string, number, number>; at: Date };
};
