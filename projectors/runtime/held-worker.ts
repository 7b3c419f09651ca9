// A read model's worker while this process holds its lead. A worker lives as long as the NATS
// connection it started on: after a reconnect its consumer is checked against the checkpoint
// again (what a dying server sent may never have arrived; left alone, the next ack would
// acknowledge it unapplied), and made again if the server lost it. A worker that fails is
// started again, the lead kept: the other process would meet the same trouble (a log node
// away, a consumer being moved), and handing leads around only churns them and splits them
// between processes. Each failure in a row waits longer; a read model whose worker has failed
// again and again for a minute while the log was up hands its lead on, in case the trouble
// is this process's.
import type { Logger } from 'pino';
import type { Link } from '../../writers/log/link.ts';
import { sleep } from './sleep.ts';

/** The first wait after a failure, doubled after each in a row up to MAX_BACKOFF_MS. */
export const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** Failing this long (the log up), the lead is handed on. */
export const HAND_ON_AFTER_MS = 60_000;
/** A worker that ran this long before it failed was working: its failure is the first in a row. */
export const HEALTHY_RUN_MS = 30_000;

/**
 * Runs the worker until `stopping` aborts, or it has failed for HAND_ON_AFTER_MS. `run` is one
 * worker on one connection: 'gap' when deliveries were lost on their way (started again at
 * once, from the checkpoint).
 */
export async function workWhileLeading({
  link,
  stopping,
  logger,
  readModel,
  run,
  now = Date.now,
}: {
  link: Pick<Link, 'signal' | 'whenUp' | 'up'>;
  stopping: AbortSignal;
  logger: Pick<Logger, 'error'>;
  readModel: string;
  run: (signal: AbortSignal) => Promise<'gap' | undefined>;
  now?: () => number;
}): Promise<'stopped' | 'handed on'> {
  let failures = 0;
  let failingSince = 0;
  for (;;) {
    const connection = link.signal();
    const started = now();
    let ended: 'gap' | 'failed' | undefined;
    try {
      ended = await run(AbortSignal.any([stopping, connection]));
    } catch (err) {
      logger.error({ err, readModel }, 'projector worker stopped; restarting');
      ended = 'failed';
    }
    if (stopping.aborted) return 'stopped';
    if (ended === 'gap') continue;
    if (ended === 'failed') {
      if (failures === 0 || now() - started >= HEALTHY_RUN_MS) {
        failures = 0;
        failingSince = now();
      }
      failures++;
      if (now() - failingSince >= HAND_ON_AFTER_MS) return 'handed on';
    } else if (!connection.aborted) return 'stopped';
    // The log away: nothing to try until it is back (a wait that does not count as failing).
    // Else a wait that grows with each failure.
    if (connection.aborted || !link.up()) {
      await link.whenUp(stopping);
      failingSince = now();
    } else await sleep(Math.min(FIRST_BACKOFF_MS * 2 ** (failures - 1), MAX_BACKOFF_MS), stopping);
    if (stopping.aborted) return 'stopped';
  }
}
