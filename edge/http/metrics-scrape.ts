// The gauges read when /metrics is scraped: the read models' and reactors' positions and lag,
// whether each dependency answers, the streams' sizes against their limits, open sockets.
// Each source is asked once per scrape; one that fails leaves its gauges empty, not the scrape.
import { Gauge, type Registry } from 'prom-client';

export type ProjectorGauge = {
  name: string;
  lastSeq: number;
  lag: number;
  deadLetters: number;
  /** A reactor (answers events with commands) rather than a read model. */
  reactor?: boolean;
  /** Age of the oldest event the read model has not applied; 0 when caught up. */
  lagSeconds?: number | null;
};

export type StreamGauge = { stream: string; bytes: number; messages: number; maxBytes: number };

export type ScrapeSources = {
  projectors?: () => Promise<ProjectorGauge[]>;
  /** Up (true) or down, per dependency: nats, postgres, clamd. */
  dependencies?: () => Promise<Record<string, boolean>>;
  streams?: () => Promise<StreamGauge[]>;
  /** The account's JetStream file storage, used and allowed (-1: no account limit). */
  account?: () => Promise<{ storageBytes: number; maxStorageBytes: number } | undefined>;
  websockets?: () => number;
};

export function createScrapeGauges(registry: Registry) {
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const lag = gauge(
    'hearth_projector_lag_events',
    'Events in the stream not yet applied by the read model or reactor',
    ['read_model', 'kind'],
  );
  const lagSeconds = gauge(
    'hearth_projector_lag_seconds',
    'Age of the oldest event the read model or reactor has not applied (0 when caught up)',
    ['read_model', 'kind'],
  );
  const lastSeq = gauge(
    'hearth_projector_last_seq',
    'Last stream sequence applied by the read model or reactor',
    ['read_model', 'kind'],
  );
  const deadLetters = gauge(
    'hearth_dead_letters',
    'Events parked in the dead-letter table, by read model or reactor',
    ['read_model', 'kind'],
  );
  const up = gauge(
    'hearth_dependency_up',
    'The dependency answers this hub (1) or not (0): nats, postgres, clamd',
    ['dependency'],
  );
  const streamBytes = gauge('hearth_stream_bytes', 'Bytes the stream holds', ['stream']);
  const streamMessages = gauge('hearth_stream_messages', 'Messages the stream holds', ['stream']);
  const streamMax = gauge(
    'hearth_stream_max_bytes',
    "The stream's configured byte limit (-1: none; the server's store limit applies)",
    ['stream'],
  );
  const storage = gauge(
    'hearth_jetstream_storage_bytes',
    "JetStream file storage the hub's account uses",
    [],
  );
  const storageMax = gauge(
    'hearth_jetstream_storage_max_bytes',
    "The account's JetStream storage limit (-1: none; the server's max_file_store applies)",
    [],
  );
  const sockets = gauge('hearth_websocket_connections', 'Chat WebSockets open on this edge', []);

  const ask = async <T>(fn: (() => Promise<T>) | undefined): Promise<T | undefined> =>
    fn ? fn().catch(() => undefined) : undefined;

  return {
    collect: async (sources: ScrapeSources) => {
      const [projectors, deps, streams, account] = await Promise.all([
        ask(sources.projectors),
        ask(sources.dependencies),
        ask(sources.streams),
        ask(sources.account),
      ]);
      const all = [lag, lagSeconds, lastSeq, deadLetters, up, streamBytes, streamMessages, streamMax];
      for (const g of [...all, storage, storageMax]) g.reset();
      if (account) {
        storage.set(account.storageBytes);
        storageMax.set(account.maxStorageBytes);
      }
      for (const p of projectors ?? []) {
        const labels = { read_model: p.name, kind: p.reactor ? 'reactor' : 'read_model' };
        lag.set(labels, p.lag);
        lastSeq.set(labels, p.lastSeq);
        deadLetters.set(labels, p.deadLetters);
        if (p.lagSeconds !== undefined && p.lagSeconds !== null) lagSeconds.set(labels, p.lagSeconds);
      }
      for (const [dependency, ok] of Object.entries(deps ?? {})) up.set({ dependency }, ok ? 1 : 0);
      for (const s of streams ?? []) {
        streamBytes.set({ stream: s.stream }, s.bytes);
        streamMessages.set({ stream: s.stream }, s.messages);
        streamMax.set({ stream: s.stream }, s.maxBytes);
      }
      if (sources.websockets) sockets.set(sources.websockets());
    },
  };
}
