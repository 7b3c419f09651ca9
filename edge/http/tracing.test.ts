// The request's span: a caller's traceparent honoured only from a trusted proxy, and the span
// named by the route, never the raw path.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing } from '../boot/tracing.ts';
import type { Tracing } from '../boot/tracing-settings.ts';
import { loadSettings } from '../config.ts';
import type { HubEnv } from './context.ts';
import { traceRequests } from './tracing.ts';

const exporter = new InMemorySpanExporter();
const CALLER = '4bf92f3577b34da6a3ce929d0e0e4736';
let tracing: Tracing;
const servers: Server[] = [];

beforeAll(() => {
  tracing = startTracing({ settings: loadSettings({}).tracing, exporter, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  for (const server of servers) server.close();
  await tracing.shutdown();
});

/** An app behind traceRequests, served on loopback; returns the span of one GET to `path`. */
async function spanOf(options: { trustLoopback: boolean }, path: string) {
  const app = new Hono<HubEnv>();
  app.use('/api/*', traceRequests([], options));
  app.get('/api/v1/things/:id', (c) => c.text('ok'));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  servers.push(server);
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  exporter.reset();
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { traceparent: `00-${CALLER}-00f067aa0ba902b7-01` },
  });
  expect(res.status).toBe(200);
  const [span] = exporter.getFinishedSpans();
  if (!span) throw new Error('no span');
  return span;
}

describe('traceRequests', () => {
  it("continues a trusted proxy's trace", async () => {
    const span = await spanOf({ trustLoopback: true }, '/api/v1/things/ann-42');
    expect(span.spanContext().traceId).toBe(CALLER);
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it("starts a trace of its own for anyone else's traceparent", async () => {
    const span = await spanOf({ trustLoopback: false }, '/api/v1/things/ann-42');
    expect(span.spanContext().traceId).not.toBe(CALLER);
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('names the route, never the path it was asked for', async () => {
    const span = await spanOf({ trustLoopback: true }, '/api/v1/things/ann-42?q=secret');
    expect(span.name).toBe('GET /api/v1/things/:id');
    expect(span.attributes['http.route']).toBe('/api/v1/things/:id');
    expect(JSON.stringify(span.attributes)).not.toMatch(/ann-42|secret/);
  });
});
