// How far back the log goes: the retention every stream is kept with, and each stream's
// first and last sequence as the log server has them now. The read model is pruned to the same
// first sequence on the way, so the oldest entry the viewer shows is the oldest one stated here.
import type { Kysely } from 'kysely';
import type { AuditRetention } from '../../contracts/audit.api.ts';
import { DOMAINS } from '../../contracts/subjects.ts';
import { streamOf } from '../../projectors/audit-log/queries.ts';
import { toUnavailable } from '../../writers/log/link.ts';
import { type Log, RETENTION_MS } from '../../writers/log/open.ts';
import { pruneStream } from './maintenance.ts';

const DAY_MS = 86_400_000;

export async function retention(log: Log, db: Kysely<unknown>): Promise<AuditRetention> {
  const streams: AuditRetention['streams'] = [];
  for (const domain of DOMAINS) {
    const info = await log.link
      .reach(() => log.jsm.streams.info(log.names.stream(domain)))
      .catch((err: unknown) => {
        throw toUnavailable(err);
      });
    const { state } = info;
    await pruneStream(db, { domain, firstSeq: state.first_seq });
    streams.push({
      stream: streamOf(domain),
      first_seq: state.first_seq,
      last_seq: state.last_seq,
      // An empty stream reports the zero time.
      first_at: state.messages > 0 ? new Date(state.first_ts).toISOString() : null,
      messages: state.messages,
    });
  }
  const firsts = streams.flatMap((s) => (s.first_at ? [s.first_at] : [])).sort();
  return { retention_days: Math.round(RETENTION_MS / DAY_MS), oldest: firsts[0] ?? null, streams };
}
