// Prometheus text at /metrics. A registry per hub, so tests can run several side by side.

import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ProjectorGaugeSource = () => Promise<
  { name: string; lastSeq: number; lag: number; deadLetters: number }[]
>;

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  const httpDuration = new Histogram({
    name: 'hearth_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const eventsAppended = new Counter({
    name: 'hearth_events_appended_total',
    help: 'Events appended to the log, by event type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  let source: ProjectorGaugeSource = async () => [];
  const lag = new Gauge({
    name: 'hearth_projector_lag_events',
    help: 'Events in the stream not yet applied to the read model',
    labelNames: ['read_model'] as const,
    registers: [registry],
  });
  const lastSeq = new Gauge({
    name: 'hearth_projector_last_seq',
    help: 'Last stream sequence applied to the read model',
    labelNames: ['read_model'] as const,
    registers: [registry],
  });
  const deadLetters = new Gauge({
    name: 'hearth_dead_letters',
    help: 'Events parked in the dead-letter table, by read model',
    labelNames: ['read_model'] as const,
    registers: [registry],
  });

  return {
    registry,
    eventsAppended,
    /** The runner reports through this; read only when /metrics is scraped. */
    watchProjectors: (fn: ProjectorGaugeSource) => {
      source = fn;
    },
    middleware: createMiddleware(async (c, next) => {
      const end = httpDuration.startTimer();
      await next();
      end({ method: c.req.method, route: routePath(c), status: String(c.res.status) });
    }),
    render: async (): Promise<string> => {
      lag.reset();
      lastSeq.reset();
      deadLetters.reset();
      for (const p of await source()) {
        lag.set({ read_model: p.name }, p.lag);
        lastSeq.set({ read_model: p.name }, p.lastSeq);
        deadLetters.set({ read_model: p.name }, p.deadLetters);
      }
      return registry.metrics();
    },
  };
}
