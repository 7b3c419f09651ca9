// Tracing on only with an exporter, and off again after shutdown, in this process.
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
});
