// The full verification of every chained stream, run by a process that follows the log every
// `intervalMs` (HEARTH_AUDIT_VERIFY_INTERVAL), so the HearthAuditVerificationFailed alert reads
// a recent result rather than whatever someone last asked for. A verify already running (asked
// over the API) is left to finish; the next turn comes an interval later.
import type { Logger } from 'pino';
import type { AuditVerifyReport } from '../../contracts/audit.api.ts';
import type { AuditChain } from './chain.ts';

export function startVerifySchedule({
  chain,
  intervalMs,
  onReport,
  logger,
}: {
  chain: Pick<AuditChain, 'verify'>;
  intervalMs: number;
  onReport: (report: AuditVerifyReport) => void;
  logger: Logger;
}): { stop: () => Promise<void> } {
  if (intervalMs <= 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const turn = async () => {
    try {
      const report = await chain.verify({});
      onReport(report);
      if (!report.ok)
        logger.error({ streams: report.streams.filter((s) => !s.ok) }, 'audit chain did not verify');
    } catch (err) {
      logger.warn({ err }, 'scheduled audit verification not run');
    }
  };
  const timer = setInterval(() => {
    if (!running) running = turn().finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
