// Tracing on only with an exporter, and off again after shutdown (or a failed start), in this
// process; the SDK loaded only then; nothing an error says, nor an endpoint's secrets, kept.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { activeSpan, commandTraceparent, inSpan, tracingOn } from '../../writers/log/tracing.ts';
import { loadSettings } from '../config.ts';
import { startTracing } from './tracing.ts';
import { endpointForLog, startTracingIfAsked, TRACING_OFF, withTracing } from './tracing-settings.ts';

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

  it('logs the OTLP endpoint by its origin only: no userinfo, path or query', async () => {
    const lines: string[] = [];
    const capture = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const otlp = loadSettings({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://family:s3cret@collector.test:4318/v1/traces?token=abc',
    }).tracing;
    const tracing = startTracing({ settings: otlp, logger: capture });
    await tracing.shutdown();
    const said = lines.join('');
    expect(said).toContain('https://collector.test:4318');
    expect(said).not.toMatch(/s3cret|token|abc|family/);
    expect(endpointForLog('not a url')).toBe('(not a URL)');
  });

  it('makes nothing while already on, and turns nothing on without an exporter', async () => {
    const first = startTracing({ settings, exporter: new InMemorySpanExporter(), logger });
    expect(startTracing({ settings, exporter: new InMemorySpanExporter(), logger })).toBe(TRACING_OFF);
    await first.shutdown();
    expect(await startTracingIfAsked({ settings, logger })).toBe(TRACING_OFF);
    expect(tracingOn()).toBe(false);
  });

  it('records an error by its code and a fixed message, never what it says', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ settings, exporter, logger });
    const pgError = Object.assign(new Error('invalid input syntax for type integer: "ann@family.test"'), {
      code: '22P02',
      severity: 'ERROR',
    });
    const other = new Error('no account for ann@family.test');
    for (const err of [pgError, other])
      await inSpan('failing', {}, ROOT_CONTEXT, async () => {
        throw err;
      }).catch(() => undefined);
    // Read before the shutdown, which empties the exporter.
    const [db, plain] = exporter.getFinishedSpans();
    expect(db?.attributes['error.type']).toBe('22P02');
    expect(db?.status.message).toBe('database error');
    expect(plain?.attributes['error.type']).toBe('Error');
    for (const span of [db, plain]) expect(span?.events).toEqual([]);
    expect(JSON.stringify(exporter.getFinishedSpans().map((s) => [s.attributes, s.status]))).not.toContain(
      'ann@',
    );
    await tracing.shutdown();
  });
});

describe('withTracing', () => {
  const counting = () => {
    const calls = { shutdown: 0 };
    return { calls, tracing: { shutdown: async () => void calls.shutdown++ } };
  };

  it('shuts tracing down when the hub is not made', async () => {
    const { calls, tracing } = counting();
    await expect(withTracing(tracing, () => Promise.reject(new Error('no log')))).rejects.toThrow('no log');
    expect(calls.shutdown).toBe(1);
  });

  it('shuts tracing down after the stop, even when the stop throws', async () => {
    const { calls, tracing } = counting();
    const order: string[] = [];
    const hub = await withTracing(tracing, async () => ({
      stop: async () => {
        order.push('stop');
        expect(calls.shutdown).toBe(0);
        throw new Error('stuck');
      },
    }));
    await expect(hub.stop()).rejects.toThrow('stuck');
    expect(order).toEqual(['stop']);
    expect(calls.shutdown).toBe(1);
  });
});

describe('the SDK stays unloaded while tracing is off', () => {
  // Only edge/boot/tracing.ts imports the SDK, and only through startTracingIfAsked's import().
  const SDK = /^import (?!type )[^;]*from '@opentelemetry\/(?!api')/m;
  const STATIC = /^import (?!type )[^;]*from '[^']*\/boot\/tracing\.ts'/m;
  const root = join(import.meta.dirname, '..', '..');
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? sources(join(dir, e.name))
        : e.name.endsWith('.ts') && !/\.test\.ts$|\.fixture\.ts$/.test(e.name)
          ? [join(dir, e.name)]
          : [],
    );

  it('is imported by no module a hub loads but edge/boot/tracing.ts, and that one lazily', () => {
    const files = ['contracts', 'writers', 'projectors', 'edge'].flatMap(sources);
    const text = (f: string) => readFileSync(join(root, f), 'utf8');
    expect(files.filter((f) => f !== join('edge', 'boot', 'tracing.ts') && SDK.test(text(f)))).toEqual([]);
    const sibling = /^import (?!type )[^;]*from '\.\/tracing\.ts'/m;
    const inBoot = (f: string) => f.startsWith(join('edge', 'boot'));
    expect(files.filter((f) => STATIC.test(text(f)) || (inBoot(f) && sibling.test(text(f))))).toEqual([]);
  });
});
