// OpenTelemetry for one process: a tracer provider with the exporters the OTEL_* variables
// name (edge/config.ts), registered with the api, and an AsyncLocalStorage context manager so
// a request's span is the parent of what it does. No exporter: nothing is registered, the
// api's no-op tracer answers, and writers/log/tracing.ts's helpers return at once. Loaded only
// by tracing-settings.ts's import() when an exporter is configured (and by tests, the bench).
import { context, diag, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter as OtlpJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { setTracingOn, tracingOn } from '../../writers/log/tracing.ts';
import {
  endpointForLog,
  TRACING_OFF,
  type Tracing,
  type TracingOptions,
  type TracingSettings,
} from './tracing-settings.ts';

/**
 * Turns tracing on for this process, or does nothing when no exporter is configured. Tests
 * and the bench hand their own exporter (one kept in memory, one that drops everything); it
 * gets a simple processor, so a test sees each span as it ends, unless `batched` (the bench:
 * a simple processor's export per span, with its promises, is a cost no configured hub pays).
 */
export function startTracing({ settings, exporter, batched = false, logger }: TracingOptions): Tracing {
  if (!exporter && settings.exporters.length === 0) return TRACING_OFF;
  // The api has one provider per process: a second hub here shares the first one's. Checked
  // before any exporter is made, so none is left open.
  if (tracingOn()) {
    logger.warn('tracing is already on in this process; this hub uses the provider already there');
    return TRACING_OFF;
  }
  const processors: SpanProcessor[] = exporter
    ? [batched ? new BatchSpanProcessor({ exporter }) : new SimpleSpanProcessor({ exporter })]
    : settings.exporters.map((name) => new BatchSpanProcessor({ exporter: exporterFor(name, settings) }));
  diag.setLogger(
    {
      error: (message, ...args) => logger.warn({ args }, `opentelemetry: ${message}`),
      warn: (message, ...args) => logger.warn({ args }, `opentelemetry: ${message}`),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { suppressOverrideMessage: true },
  );
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      ...settings.resourceAttributes,
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: settings.resourceAttributes[ATTR_SERVICE_VERSION] ?? '0.1.0',
    }),
    sampler: samplerFor(settings),
    spanProcessors: processors,
    // A statement's text (pg-trace.ts) is cut at this length anyway.
    spanLimits: { attributeValueLengthLimit: 4096 },
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  setTracingOn(true);
  if (!exporter)
    logger.info(
      {
        exporters: settings.exporters,
        // The endpoint may carry credentials: its origin only.
        endpoint: settings.exporters.includes('otlp') ? endpointForLog(settings.otlp.url) : undefined,
      },
      'tracing on',
    );
  let stopped: Promise<void> | undefined;
  return {
    shutdown: () => {
      stopped ??= (async () => {
        setTracingOn(false);
        await provider.shutdown().catch((err: unknown) => logger.warn({ err }, 'spans not all sent'));
        trace.disable();
        context.disable();
        diag.disable();
      })();
      return stopped;
    },
  };
}

function exporterFor(name: 'otlp' | 'console', settings: TracingSettings): SpanExporter {
  if (name === 'console') return new ConsoleSpanExporter();
  const { url, headers, protocol } = settings.otlp;
  return protocol === 'http/json' ? new OtlpJson({ url, headers }) : new OtlpProto({ url, headers });
}

function samplerFor({ sampler, samplerRatio }: TracingSettings): Sampler {
  switch (sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(samplerRatio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(samplerRatio) });
    default: {
      const never: never = sampler;
      throw new Error(`unknown sampler ${String(never)}`);
    }
  }
}
