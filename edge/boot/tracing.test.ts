// Tracing on only with an exporter, and off again after shutdown, in this process.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { activeSpan, commandTraceparent, inSpan, tracingOn } from '../../writers/log/tracing.ts';
import { loadSettings } from '../config.ts';
import { startTracing } from './tracing.ts';

const logger = pino({ level: 'silent' });
const settings = loadSettings({}).tracing;

describe('startTracing', () => {
  it('registers nothing without an exporter: commands keep the traceparent they were given', async () => {
    const tracing = startTracing({ settings, logger });
    expect(tracingOn()).toBe(false);
    expect(commandTraceparent(() => 'untraced')).toBe('untraced');
    await tracing.shutdown();
  });

  it('with one, makes spans whose context commands carry, and stops with shutdown', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ settings, exporter, logger });
    expect(tracingOn()).toBe(true);
    const carried = await inSpan('outer', {}, ROOT_CONTEXT, async () => {
      expect(activeSpan()).toBeDefined();
      return commandTraceparent(() => 'untraced');
    });
    const [span] = exporter.getFinishedSpans();
    expect(carried).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
    await tracing.shutdown();
    expect(tracingOn()).toBe(false);
    expect(commandTraceparent(() => 'untraced')).toBe('untraced');
  });

  it('sends what is buffered to the OTLP endpoint when it shuts down', async () => {
    const received: { url: string | undefined; headers: IncomingHttpHeaders; bytes: number }[] = [];
    const collector = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      req.on('end', () => {
        received.push({ url: req.url, headers: req.headers, bytes });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      const otlp = loadSettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20family',
      }).tracing;
      const tracing = startTracing({ settings: otlp, logger });
      await inSpan('one', {}, ROOT_CONTEXT, async () => undefined);
      // Batched: nothing has left yet.
      expect(received).toEqual([]);
      await tracing.shutdown();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        url: '/v1/traces',
        headers: { 'content-type': 'application/x-protobuf', authorization: 'Bearer family' },
      });
      expect(received[0]?.bytes).toBeGreaterThan(0);
    } finally {
      collector.close();
    }
  });
});
