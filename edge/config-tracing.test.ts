// The OTEL_* variables as edge/config.ts reads them: the standard names and defaults, but
// tracing off until an exporter or an endpoint is named.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadSettings } from './config.ts';

const tracing = (env: Record<string, string>) => loadSettings(env).tracing;

describe('tracing settings', () => {
  it('are off when no exporter and no endpoint is set', () => {
    expect(tracing({})).toEqual({
      exporters: [],
      otlp: { url: 'http://localhost:4318/v1/traces', protocol: 'http/protobuf', headers: {} },
      serviceName: 'hearth',
      resourceAttributes: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
  });

  it('send OTLP to an endpoint once one is set, with the signal path after the shared one', () => {
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://tempo:4318/' }).otlp.url).toBe(
      'http://tempo:4318/v1/traces',
    );
    const t = tracing({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://tempo:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://jaeger.example/otlp/traces',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-scope-orgid=family',
      OTEL_SERVICE_NAME: 'hearth-edge',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=home',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(t).toEqual({
      exporters: ['otlp'],
      otlp: {
        url: 'https://jaeger.example/otlp/traces',
        protocol: 'http/json',
        headers: { authorization: 'Bearer abc', 'x-scope-orgid': 'family' },
      },
      serviceName: 'hearth-edge',
      resourceAttributes: { 'deployment.environment.name': 'home' },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
  });

  it('take the exporters OTEL_TRACES_EXPORTER names, and none or OTEL_SDK_DISABLED turns them off', () => {
    expect(tracing({ OTEL_TRACES_EXPORTER: 'console,otlp' }).exporters).toEqual(['console', 'otlp']);
    expect(
      tracing({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).exporters,
    ).toEqual([]);
    expect(tracing({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }).exporters).toEqual([]);
  });

  it('refuse what they cannot do, without repeating a header that may hold a secret', () => {
    let problems: string[] = [];
    try {
      loadSettings({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_TRACES_EXPORTER: 'zipkin',
        OTEL_TRACES_SAMPLER_ARG: '2',
        OTEL_EXPORTER_OTLP_HEADERS: 'no pairs here',
      });
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    expect(problems).toEqual([
      'OTEL_TRACES_EXPORTER must be otlp, console or none, comma-separated (got "zipkin")',
      'OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (grpc is not supported) (got "grpc")',
      'OTEL_EXPORTER_OTLP_HEADERS must be headers as key=value pairs, comma-separated',
      'OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 (got "2")',
    ]);
  });
});
