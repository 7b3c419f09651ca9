// The OpenTelemetry variables of the environment's schema (config-schema.ts spreads them in;
// edge/config.ts turns them into TracingSettings). Their names and meanings are the standard
// ones (opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables); only what
// Hearth's traces use is read.
import type { JSONSchemaType } from 'ajv';
import { type OtlpProtocol, PROTOCOLS, SAMPLERS, type SamplerName } from './boot/tracing-settings.ts';

export type OtelEnvironment = {
  OTEL_SDK_DISABLED?: boolean;
  OTEL_TRACES_EXPORTER?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_PROTOCOL?: OtlpProtocol;
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: OtlpProtocol;
  OTEL_EXPORTER_OTLP_HEADERS?: string;
  OTEL_EXPORTER_OTLP_TRACES_HEADERS?: string;
  OTEL_SERVICE_NAME?: string;
  OTEL_RESOURCE_ATTRIBUTES?: string;
  OTEL_TRACES_SAMPLER?: SamplerName;
  OTEL_TRACES_SAMPLER_ARG?: number;
};

/** W3C baggage-like `key=value,key=value`, as the spec writes headers and resource attributes. */
const KEY_VALUES = '^\\s*[^=,\\s]+\\s*=[^,]*(,\\s*[^=,\\s]+\\s*=[^,]*)*$';
const PROTOCOL = {
  type: 'string',
  enum: PROTOCOLS,
  nullable: true,
  description: 'http/protobuf or http/json (grpc is not supported)',
} as const;
const HEADERS = {
  type: 'string',
  pattern: KEY_VALUES,
  nullable: true,
  description: 'headers as key=value pairs, comma-separated',
} as const;

export const OTEL_PROPERTIES: JSONSchemaType<OtelEnvironment>['properties'] = {
  OTEL_SDK_DISABLED: { type: 'boolean', nullable: true, description: 'true or false' },
  OTEL_TRACES_EXPORTER: {
    type: 'string',
    pattern: '^\\s*(otlp|console|none)\\s*(,\\s*(otlp|console|none)\\s*)*$',
    nullable: true,
    description: 'otlp, console or none, comma-separated',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    type: 'string',
    format: 'http-url',
    nullable: true,
    description: 'an http:// or https:// URL, such as http://collector:4318',
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    type: 'string',
    format: 'http-url',
    nullable: true,
    description: 'an http:// or https:// URL, such as http://collector:4318/v1/traces',
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: PROTOCOL,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: PROTOCOL,
  OTEL_EXPORTER_OTLP_HEADERS: HEADERS,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: HEADERS,
  OTEL_SERVICE_NAME: {
    type: 'string',
    minLength: 1,
    maxLength: 255,
    nullable: true,
    description: 'a service name of 1 to 255 characters',
  },
  OTEL_RESOURCE_ATTRIBUTES: {
    type: 'string',
    pattern: KEY_VALUES,
    nullable: true,
    description: 'resource attributes as key=value pairs, comma-separated',
  },
  OTEL_TRACES_SAMPLER: {
    type: 'string',
    enum: SAMPLERS,
    nullable: true,
    description: `one of ${SAMPLERS.join(', ')}`,
  },
  OTEL_TRACES_SAMPLER_ARG: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    nullable: true,
    description: 'a ratio from 0 to 1',
  },
};
