import type { ColumnType, Generated } from 'kysely';
import type { RebuildState, RebuildVerification } from '../../contracts/admin.api.ts';
import * as runtime20261122 from './migrations/20261122T1600_runtime.ts';
import * as names20261206 from './migrations/20261206T2100_read_model_names.ts';
import * as position20261207 from './migrations/20261207T0100_rebuild_position.ts';
import * as erasures20261207 from './migrations/20261207T1500_erasures.ts';
import * as verification20261207 from './migrations/20261207T1700_rebuild_verification.ts';

export const RUNTIME_SCHEMA = 'hearth';
export const runtimeMigrations = {
  '20261122T1600_runtime': runtime20261122,
  '20261206T2100_read_model_names': names20261206,
  '20261207T0100_rebuild_position': position20261207,
  '20261207T1500_erasures': erasures20261207,
  '20261207T1700_rebuild_verification': verification20261207,
};

// bigint columns come back from pg as strings; Number() them at the edge of the module.
type Seq = ColumnType<string, number | bigint | string, number | bigint | string>;

export type RuntimeDB = {
  /** A member's erasure on one stream: the sequence of its MemberErased there. */
  erasures: { domain: string; member_id: string; seq: Seq; erased_at: Generated<Date> };
  checkpoints: { read_model: string; stream: string; last_seq: Seq; updated_at: Generated<Date> };
  dead_letters: {
    id: Generated<string>;
    read_model: string;
    stream: string;
    seq: Seq;
    subject: string;
    type: string;
    error: string;
    status: Generated<'parked' | 'retried' | 'skipped'>;
    attempts: Generated<number>;
    created_at: Generated<Date>;
    resolved_at: Date | null;
    resolved_by: string | null;
  };
  rebuilds: {
    read_model: string;
    status: RebuildState;
    processed: Seq;
    /** The stream seq the rebuild has read up to (it skips subjects it does not follow). */
    position: Seq;
    target_seq: Seq;
    events_per_second: number;
    started_at: Generated<Date>;
    finished_at: Date | null;
    error: string | null;
    accept_differences: Generated<boolean>;
    cancel_requested_at: Date | null;
    /** What the comparison with the live version found (null: not compared yet). */
    verification: ColumnType<RebuildVerification | null, string | null, string | null>;
  };
};
