// Each read model's and reactor's durable consumer as JetStream reports it, beside its
// checkpoint: pending, ack pending, redelivered, and lag in events and in seconds (the age of
// the oldest event it has not applied). And the last hour of lag, sampled in this process.
import type { ConsumerFigures, ConsumerSample } from '../../contracts/inspect.api.ts';
import { DOMAINS, type Domain } from '../../contracts/subjects.ts';
import type { ProjectorRunner } from '../../projectors/runtime/runner.ts';
import { toUnavailable } from '../../writers/log/link.ts';
import type { Log } from '../../writers/log/open.ts';
import type { ConsumerHistory } from '../http/deps.ts';

export async function consumerFigures({
  log,
  projectors,
  now = new Date(),
}: {
  log: Log;
  projectors: Pick<ProjectorRunner, 'status'>;
  now?: Date;
}): Promise<ConsumerFigures[]> {
  const reach = <T>(read: () => Promise<T>) =>
    log.link.reach(read).catch((err: unknown) => {
      throw toUnavailable(err);
    });
  const out: ConsumerFigures[] = [];
  for (const s of await projectors.status()) {
    const consumer = `rm_${s.name}`;
    // No process has made it yet (none leads this read model): its figures are unknown.
    const info = await reach(() => log.jsm.consumers.info(s.stream, consumer)).catch(() => null);
    let lagSeconds = 0;
    if (s.lag > 0) {
      const domain = log.names.domainFilter(domainOf(log, s.stream));
      const oldest = await reach(() =>
        log.jsm.direct.getMessage(s.stream, { seq: s.lastSeq + 1, next_by_subj: domain }),
      );
      if (oldest) lagSeconds = Math.max(0, (now.getTime() - oldest.time.getTime()) / 1000);
    }
    out.push({
      name: s.name,
      kind: s.kind,
      stream: s.stream,
      consumer,
      pending: info ? info.num_pending : null,
      ackPending: info ? info.num_ack_pending : null,
      redelivered: info ? info.num_redelivered : null,
      lastSeq: s.lastSeq,
      streamLastSeq: s.streamLastSeq,
      lagEvents: s.lag,
      lagSeconds: Math.round(lagSeconds * 10) / 10,
      deadLetters: s.deadLetters,
    });
  }
  return out;
}

function domainOf(log: Log, stream: string): Domain {
  const domain = DOMAINS.find((d) => log.names.stream(d) === stream);
  if (!domain) throw new Error(`no domain has the stream ${stream}`);
  return domain;
}

/**
 * Samples every `everyMs` into a ring that holds `keepMs` (an hour): bounded, in this process.
 * The figures come from JetStream and the checkpoints, which every edge reads alike, so each
 * edge's ring draws the same curve; one that restarted shows a shorter hour.
 */
export function startConsumerHistory({
  sample,
  everyMs = 15_000,
  keepMs = 3_600_000,
  onError,
}: {
  sample: () => Promise<ConsumerFigures[]>;
  everyMs?: number;
  keepMs?: number;
  onError: (err: unknown) => void;
}): ConsumerHistory {
  const size = Math.max(1, Math.ceil(keepMs / everyMs));
  const ring: ConsumerSample[] = [];
  let busy = false;
  const take = async () => {
    if (busy) return; // a slow log: skip a tick rather than pile samples up
    busy = true;
    try {
      const figures = await sample();
      const lag: ConsumerSample['lag'] = Object.create(null);
      for (const f of figures)
        lag[f.name] = { events: f.lagEvents, seconds: f.lagSeconds, pending: f.pending };
      ring.push({ at: new Date().toISOString(), lag });
      if (ring.length > size) ring.splice(0, ring.length - size);
    } catch (err) {
      onError(err);
    } finally {
      busy = false;
    }
  };
  void take();
  const timer = setInterval(() => void take(), everyMs);
  timer.unref();
  return { samples: () => ring.slice(), everyMs, stop: () => clearInterval(timer) };
}
