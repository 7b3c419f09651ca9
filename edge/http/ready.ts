import { sql } from 'kysely';
import type { HubDeps } from './deps.ts';

type Check = { ok: boolean; detail?: string };

/**
 * Ready means: the log answers and has every stream, bucket and consumer this hub needs, the
 * database answers, and no read model lags far behind (an edge's readiness leaves lag out).
 */
export async function readiness(deps: HubDeps): Promise<{ ready: boolean; checks: Record<string, Check> }> {
  const checks: Record<string, Check> = {};
  const { link } = deps.log;
  checks.nats = await check(async () => {
    if (deps.log.nc.isClosed()) throw new Error('connection closed');
    // Known down: asking would only wait for the check's timeout.
    if (!link.up()) throw new Error('connection lost; reconnecting');
    await deps.log.nc.rtt();
  });
  checks.jetstream = await check(async () => {
    if (!link.up()) throw new Error('connection lost; reconnecting');
    const missing = await link.missing();
    // The consumers this process's workers follow: a worker whose consumer went starts again
    // and makes it again (other processes answer for theirs). Asked all at once: one round
    // trip per read model, one after the other, made /ready slow under load.
    const consumers = deps.projectors.consumers();
    const found = await Promise.all(
      consumers.map(({ stream, name }) =>
        deps.log.jsm.consumers.info(stream, name).then(
          () => true,
          (err: unknown) => !/consumer not found|stream not found/i.test(String(err)),
        ),
      ),
    );
    consumers.forEach(({ stream, name }, i) => {
      if (!found[i]) missing.push(`consumer ${name} on ${stream}`);
    });
    if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}`);
  });
  checks.postgres = await check(async () => {
    await sql`SELECT 1`.execute(deps.db);
  });
  checks.projectors = await check(async () => {
    const status = await deps.projectors.recentStatus();
    // A read model past the end of its stream: the NATS server lost its store and began the
    // stream again, and what is appended now sits below the checkpoint, unapplied (bans
    // included). Only an operator can choose: restore the store, or rebuild from what is left.
    const ahead = status.filter((p) => p.lastSeq > p.streamLastSeq);
    if (ahead.length)
      throw new Error(
        `${ahead
          .map((p) => `${p.name} is at ${p.lastSeq}, past the end of ${p.stream} (${p.streamLastSeq})`)
          .join('; ')}: the log lost its history; restore the NATS store or rebuild`,
      );
    // An edge leads no read model: their lag is the projectors processes' to report (and the
    // HearthProjectorLag alert's), and failing every edge on it would take the service down.
    if (deps.role === 'edge') return;
    const behind = status.filter((p) => p.lag > deps.config.readyMaxLag);
    if (behind.length) throw new Error(behind.map((p) => `${p.name} lags ${p.lag} events`).join('; '));
  });
  const lost = deps.auditChainLost;
  if (lost)
    checks.audit_chain = await check(async () => {
      // A stream that went back behind the chain: the chainer stops rather than link new events
      // onto a chain they do not continue. Restore the NATS store.
      const streams = await lost();
      if (streams.length)
        throw new Error(
          `${streams.map((s) => s.reason).join('; ')}; the audit chain stopped there: restore the NATS store`,
        );
    });
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

async function check(fn: () => Promise<void>): Promise<Check> {
  try {
    await withTimeout(fn(), 2000);
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : 'failed' };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref()),
  ]);
}
