// Tracing's settings, and the one door to the SDK. A plain module: the config, the schema and
// the hub import it in every process, so it loads no OpenTelemetry SDK. The SDK and its
// exporters (edge/boot/tracing.ts) are imported only when an exporter is configured.
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';

export const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof PROTOCOLS)[number];

export type TracingSettings = {
  /** Where spans go; none: tracing is off. */
  exporters: ('otlp' | 'console')[];
  otlp: { url: string; protocol: OtlpProtocol; headers: Record<string, string> };
  serviceName: string;
  resourceAttributes: Record<string, string>;
  sampler: SamplerName;
  /** For the ratio samplers: the share of traces kept, 0 to 1. */
  samplerRatio: number;
};

export type Tracing = {
  /** Ends tracing in this process: sends what is buffered, then unregisters. */
  shutdown: () => Promise<void>;
};

export const TRACING_OFF: Tracing = { shutdown: async () => undefined };

export type TracingOptions = {
  settings: TracingSettings;
  /** Tests' and the bench's own exporter (kept in memory, or dropping everything). */
  exporter?: SpanExporter | undefined;
  /**
   * That exporter behind a batch processor, as configured exporters are (the bench: what a
   * traced hub pays); by default a simple one, so a test sees each span as it ends.
   */
  batched?: boolean;
  logger: Logger;
};

/** Tracing for this process: the SDK is loaded only when there is an exporter to send to. */
export async function startTracingIfAsked(options: TracingOptions): Promise<Tracing> {
  if (!options.exporter && options.settings.exporters.length === 0) return TRACING_OFF;
  const { startTracing } = await import('./tracing.ts');
  return startTracing(options);
}

/**
 * `build` with tracing already started: if it fails, tracing is shut down before the error
 * goes on; the thing built shuts tracing down as it stops, last, even if its stop throws.
 */
export async function withTracing<T extends { stop: () => Promise<void> }>(
  tracing: Tracing,
  build: () => Promise<T>,
): Promise<T> {
  let built: T;
  try {
    built = await build();
  } catch (err) {
    await tracing.shutdown();
    throw err;
  }
  const stop = built.stop;
  return Object.assign(built, {
    stop: async () => {
      try {
        await stop();
      } finally {
        await tracing.shutdown();
      }
    },
  });
}

/** An OTLP endpoint as it may be logged: its origin, never its userinfo, path or query. */
export function endpointForLog(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}
