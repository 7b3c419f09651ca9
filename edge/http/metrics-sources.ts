// Where the scrape's gauges come from in a hub: the runner's status (with each read model's lag
// in seconds, from the time of the first event it has not applied), a ping per dependency, and
// the domain streams' state. Bounded: one request per stream and per lagging read model.
import { type Kysely, sql } from 'kysely';
import { DOMAINS } from '../../contracts/subjects.ts';
import type { ProjectorRunner } from '../../projectors/runtime/runner.ts';
import type { Log } from '../../writers/log/open.ts';
import type { ProjectorGauge, ScrapeSources, StreamGauge } from './metrics-scrape.ts';

const CHECK_MS = 2000;

function within<T>(p: Promise<T>, ms = CHECK_MS): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref()),
  ]);
}

const answers = (p: () => Promise<unknown>) =>
  within(p()).then(
    () => true,
    () => false,
  );

export function hubScrapeSources({
  log,
  db,
  projectors,
  scannerPing,
  websockets,
}: {
  log: Log;
  db: Kysely<unknown>;
  projectors: Pick<ProjectorRunner, 'recentStatus'>;
  /** Unset: no scanner configured, so none is reported. */
  scannerPing?: (() => Promise<boolean>) | undefined;
  websockets: () => number;
}): ScrapeSources {
  const eventTime = async (stream: string, seq: number): Promise<number | null> => {
    const m = await within(log.jsm.streams.getMessage(stream, { seq })).catch(() => null);
    return m ? m.time.getTime() : null;
  };
  return {
    projectors: async (): Promise<ProjectorGauge[]> => {
      // Bounded like every other source: a stalled database or log leaves the gauges empty
      // rather than holding the scrape.
      const status = await within(projectors.recentStatus());
      const now = Date.now();
      return Promise.all(
        status.map(async (p) => {
          if (p.lag === 0) return { ...p, lagSeconds: 0 };
          const at = await eventTime(p.stream, p.lastSeq + 1);
          return { ...p, lagSeconds: at === null ? null : Math.max(now - at, 0) / 1000 };
        }),
      );
    },
    dependencies: async () => {
      const [nats, postgres, clamd] = await Promise.all([
        !log.nc.isClosed() && log.link.up() ? answers(() => log.nc.rtt()) : Promise.resolve(false),
        answers(() => sql`SELECT 1`.execute(db)),
        scannerPing ? within(scannerPing()).catch(() => false) : Promise.resolve(undefined),
      ]);
      return { nats, postgres, ...(clamd === undefined ? {} : { clamd }) };
    },
    streams: async (): Promise<StreamGauge[]> => {
      if (!log.link.up()) return [];
      const infos = await Promise.all(
        DOMAINS.map((d) => within(log.jsm.streams.info(log.names.stream(d))).catch(() => undefined)),
      );
      return infos.flatMap((info) =>
        info
          ? [
              {
                stream: info.config.name,
                bytes: info.state.bytes,
                messages: info.state.messages,
                maxBytes: info.config.max_bytes,
              },
            ]
          : [],
      );
    },
    account: async () => {
      if (!log.link.up()) return undefined;
      const info = await within(log.jsm.getAccountInfo());
      return { storageBytes: info.storage, maxStorageBytes: info.limits.max_storage };
    },
    websockets,
  };
}
