// The audit read model's upkeep in a hub: rows built with another plan of marked fields are
// rebuilt from the log (plan.ts), and entries whose events the log no longer keeps are deleted
// (prune.ts), every hour and whenever the retention is read.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { DOMAINS, type Domain } from '../../contracts/subjects.ts';
import { ensurePlans } from '../../projectors/audit-log/plan.ts';
import { auditLogName } from '../../projectors/audit-log/projection.ts';
import { pruneExpired } from '../../projectors/audit-log/prune.ts';
import type { ProjectorRunner } from '../../projectors/runtime/runner.ts';
import type { Log } from '../../writers/log/open.ts';

const PRUNE_EVERY_MS = 3_600_000;

/** Deletes the entries of one stream below its first retained sequence; how many went. */
export async function pruneStream(
  db: Kysely<unknown>,
  { domain, firstSeq }: { domain: Domain; firstSeq: number },
): Promise<number> {
  return pruneExpired(db, { schema: auditLogName(domain), firstSeq });
}

/** Every stream's expired entries deleted, as the log server's stream info says now. */
export async function pruneAll(db: Kysely<unknown>, log: Log): Promise<number> {
  let deleted = 0;
  for (const domain of DOMAINS) {
    const info = await log.jsm.streams.info(log.names.stream(domain));
    deleted += await pruneStream(db, { domain, firstSeq: info.state.first_seq });
  }
  return deleted;
}

/** Runs the upkeep in the background until stopped; failures are logged and tried again later. */
export function startAuditUpkeep({
  db,
  log,
  projectors,
  logger,
  everyMs = PRUNE_EVERY_MS,
}: {
  db: Kysely<unknown>;
  log: Log;
  projectors: Pick<ProjectorRunner, 'rebuild'>;
  logger: Logger;
  everyMs?: number;
}): { stop: () => Promise<void> } {
  let running = ensurePlans({ db, projectors }).then(
    (rebuilt) => {
      if (rebuilt.length > 0) logger.info({ rebuilt }, 'audit log rebuilt for its marked fields');
    },
    (err: unknown) => logger.warn({ err }, 'audit log plan check failed'),
  );
  const prune = () => {
    running = running
      .then(() => pruneAll(db, log))
      .then(
        (deleted) => {
          if (deleted > 0) logger.info({ deleted }, 'expired audit entries deleted');
        },
        (err: unknown) => logger.warn({ err }, 'audit log prune failed'),
      );
  };
  prune();
  const timer = setInterval(prune, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
