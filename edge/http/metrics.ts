// Prometheus text at /metrics. A registry per hub, so tests can run several side by side.
// Labels are bounded: routes by their pattern, outcomes, read models, streams and codes the
// code base names; never a path, an id or anything else a client wrote.

import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes, routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RebuildState } from '../../contracts/admin.api.ts';
import { ACTIVE, isActive } from '../../projectors/runtime/rebuild-status.ts';
import { createScrapeGauges, type ScrapeSources } from './metrics-scrape.ts';

export type { ScrapeSources } from './metrics-scrape.ts';

export type ProjectorGaugeSource = () => Promise<
  { name: string; lastSeq: number; lag: number; deadLetters: number; reactor?: boolean }[]
>;

export type Metrics = ReturnType<typeof createMetrics>;

/** What a command's answer says of it, by status. */
export type CommandOutcome =
  | 'accepted'
  | 'conflict'
  | 'refused'
  | 'rate_limited'
  | 'invalid'
  | 'unavailable'
  | 'error';

export function commandOutcome(status: number): CommandOutcome {
  if (status < 400) return 'accepted';
  if (status === 409) return 'conflict';
  if (status === 401 || status === 403) return 'refused';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  if (status < 500) return 'invalid';
  return 'error';
}

export type ScanOutcome = 'clean' | 'infected' | 'unavailable';

/** Routes whose writes are not commands on the log: better-auth's own. */
const isCommand = (method: string, path: string) =>
  method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && path.startsWith('/api/v1/');

/** Every state, checked against the contract's union (a new state fails to compile here). */
const REBUILD_STATES: Record<RebuildState, true> = {
  running: true,
  verifying: true,
  switching: true,
  done: true,
  failed: true,
  mismatch: true,
  cancelled: true,
};
/** How a rebuild ends: every state that is not a running one. */
export const REBUILD_RESULTS = (Object.keys(REBUILD_STATES) as RebuildState[]).filter(
  (s) => !ACTIVE.includes(s),
);

const UPLOAD_ROUTE = '/api/v1/upload';
/** An error code is one of the code base's own (`media.infected`); anything else is `other`. */
const CODE = /^[a-z_]+(\.[a-z_]+)?$/;

export function createMetrics() {
  const registry = new Registry();
  const httpDuration = new Histogram({
    name: 'hearth_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const commands = new Counter({
    name: 'hearth_commands_total',
    help: 'Commands over HTTP (writes under /api/v1), by route pattern and outcome',
    labelNames: ['route', 'outcome'] as const,
    registers: [registry],
  });
  const eventsAppended = new Counter({
    name: 'hearth_events_appended_total',
    help: 'Events appended to the log, by event type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const uploads = new Counter({
    name: 'hearth_media_uploads_total',
    help: 'Uploads answered, by outcome (stored, or the error code)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const scans = new Counter({
    name: 'hearth_media_scans_total',
    help: 'Virus scans of uploads, by verdict (clean, infected, unavailable)',
    labelNames: ['verdict'] as const,
    registers: [registry],
  });
  const fanOut = new Histogram({
    name: 'hearth_chat_fanout_seconds',
    help: "From a chat event's time to its frames sent to this edge's sockets",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const verifications = new Counter({
    name: 'hearth_audit_verifications_total',
    help: 'Audit chain verifications run on this hub, by stream and result (ok, failed)',
    labelNames: ['stream', 'result'] as const,
    registers: [registry],
  });
  const verifyOk = new Gauge({
    name: 'hearth_audit_verification_ok',
    help: "The last verification of the stream's audit chain on this hub passed (1) or failed (0)",
    labelNames: ['stream'] as const,
    registers: [registry],
  });
  const verifyTime = new Gauge({
    name: 'hearth_audit_verification_timestamp_seconds',
    help: "When the stream's audit chain was last verified on this hub",
    labelNames: ['stream'] as const,
    registers: [registry],
  });
  const scheduledFailed = new Gauge({
    name: 'hearth_audit_scheduled_verification_failed',
    help: "The latest scheduled verification of the stream's audit chain (HEARTH_AUDIT_VERIFY_INTERVAL) failed (1) or passed (0)",
    labelNames: ['stream'] as const,
    registers: [registry],
  });
  const rebuildRunning = new Gauge({
    name: 'hearth_rebuild_running',
    help: 'A rebuild of the read model runs on this hub (1) or not (0)',
    labelNames: ['read_model'] as const,
    registers: [registry],
  });
  const rebuildProcessed = new Gauge({
    name: 'hearth_rebuild_processed_events',
    help: "Events the read model's latest rebuild on this hub has applied",
    labelNames: ['read_model'] as const,
    registers: [registry],
  });
  const rebuildRemaining = new Gauge({
    name: 'hearth_rebuild_remaining_events',
    help: "Events left before the read model's latest rebuild on this hub catches up",
    labelNames: ['read_model'] as const,
    registers: [registry],
  });
  const rebuildRate = new Gauge({
    name: 'hearth_rebuild_events_per_second',
    help: "The read model's latest rebuild on this hub, events applied per second",
    labelNames: ['read_model'] as const,
    registers: [registry],
  });
  const rebuilds = new Counter({
    name: 'hearth_rebuilds_total',
    help: 'Rebuilds ended on this hub, by read model and result (done, failed, mismatch, cancelled)',
    labelNames: ['read_model', 'result'] as const,
    registers: [registry],
  });
  const scrape = createScrapeGauges(registry);
  let sources: ScrapeSources = {};
  /** Only these name streams in labels: a verify of anything else is not counted by name. */
  let knownStreams = new Set<string>();

  return {
    registry,
    eventsAppended,
    /** What the scrape asks for, read only when /metrics is scraped. */
    watch: (more: ScrapeSources) => {
      sources = { ...sources, ...more };
    },
    /** The runner reports through this (kept for callers that watch only the read models). */
    watchProjectors: (fn: ProjectorGaugeSource) => {
      sources = { ...sources, projectors: fn };
    },
    /**
     * Every read model's rebuild counters start at 0 for every result, so the first failure is an
     * increase Prometheus sees (a series born at 1 reads as no increase).
     */
    rebuildable: (readModels: readonly string[]) => {
      for (const read_model of readModels)
        for (const result of REBUILD_RESULTS) rebuilds.inc({ read_model, result }, 0);
    },
    auditStreams: (streams: readonly string[]) => {
      knownStreams = new Set(streams);
    },
    scanned: (verdict: ScanOutcome) => scans.inc({ verdict }),
    fannedOut: (seconds: number) => fanOut.observe(Math.max(seconds, 0)),
    verified: (report: { streams: { stream: string; ok: boolean }[] }) => {
      const now = Date.now() / 1000;
      for (const s of report.streams) {
        const stream = knownStreams.has(s.stream) ? s.stream : 'other';
        verifications.inc({ stream, result: s.ok ? 'ok' : 'failed' });
        verifyOk.set({ stream }, s.ok ? 1 : 0);
        verifyTime.set({ stream }, now);
      }
    },
    /** A scheduled verification's report (a projectors process's; the alert reads only these). */
    scheduledVerified: (report: { streams: { stream: string; ok: boolean }[] }) => {
      for (const s of report.streams) {
        const stream = knownStreams.has(s.stream) ? s.stream : 'other';
        scheduledFailed.set({ stream }, s.ok ? 0 : 1);
      }
    },
    rebuildProgress: (p: {
      readModel: string;
      status: RebuildState;
      processed: number;
      remaining: number;
      eventsPerSecond: number;
    }) => {
      const labels = { read_model: p.readModel };
      const running = isActive(p.status);
      rebuildRunning.set(labels, running ? 1 : 0);
      rebuildProcessed.set(labels, p.processed);
      rebuildRemaining.set(labels, p.remaining);
      rebuildRate.set(labels, p.eventsPerSecond);
      if (!running) rebuilds.inc({ ...labels, result: p.status });
    },
    middleware: createMiddleware(async (c, next) => {
      const end = httpDuration.startTimer();
      await next();
      const route = routeOf(c);
      const status = c.res.status;
      end({ method: c.req.method, route, status: String(status) });
      if (!isCommand(c.req.method, c.req.path)) return;
      commands.inc({ route, outcome: commandOutcome(status) });
      if (route === UPLOAD_ROUTE) uploads.inc({ outcome: await uploadOutcome(c.res) });
    }),
    render: async (): Promise<string> => {
      await scrape.collect(sources);
      return registry.metrics();
    },
  };
}

/**
 * The pattern of the route the request was for: the first matched handler for its method, also
 * when a middleware answered first (a rate limit, a refused session). Never the path itself.
 */
export function routeOf(c: Context): string {
  return matchedRoutes(c).find((r) => r.method !== 'ALL')?.path ?? routePath(c);
}

async function uploadOutcome(res: Response): Promise<string> {
  if (res.status < 400) return 'stored';
  const body = (await res
    .clone()
    .json()
    .catch(() => undefined)) as { code?: unknown } | undefined;
  const code = typeof body?.code === 'string' && CODE.test(body.code) ? body.code : undefined;
  return code ?? `http_${res.status}`;
}
