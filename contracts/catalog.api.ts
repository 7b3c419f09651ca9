// What GET /api/v1/catalog answers: the log's shapes for integrators (contracts/catalog.ts
// builds it from the protobuf descriptors; docs/events.md is the same as a page). Shapes only,
// never data. Names are the protobuf names (snake_case fields, full type names).
import type { AuditPublicKey } from './audit.api.ts';

/** One JetStream stream: every event of one domain. */
export type CatalogStream = {
  domain: string;
  /** The stream's name in this deployment, e.g. CHAT (a namespace adds a prefix: NS_CHAT). */
  name: string;
  /** The stream's subject filter, e.g. hearth.chat.> */
  subjects: string;
  /** Events older than this leave the stream (365 days). */
  retention_ms: number;
  retention_days: number;
  /** The full name of the protobuf message every event of this stream is. */
  envelope: string;
};

/** One subject (or subject filter) of the catalogue in contracts/subjects.ts. */
export type CatalogSubject = {
  domain: string;
  /** The function of contracts/subjects.ts that makes it, e.g. message. */
  name: string;
  /** With each id as {param}: hearth.chat.channel.{channel_id}.message.{message_id}. */
  pattern: string;
  params: string[];
  doc: string;
};

/** One NATS header set on the events' messages. */
export type CatalogHeader = {
  name: string;
  /** Set on every event; otherwise only when it has a value. */
  always: boolean;
  doc: string;
};

export type CatalogField = {
  /** The proto name, as in the audit log's details and ProtoJSON with proto names. */
  name: string;
  json_name: string;
  number: number;
  /** A scalar ("string", "uint64", "bool"…), or the full name of a message or enum. */
  type: string;
  kind: 'scalar' | 'enum' | 'message';
  /** singular (proto3 implicit presence), optional (explicit presence), repeated, or map. */
  label: 'singular' | 'optional' | 'repeated' | 'map';
  /** For maps: the key's scalar type (`type` is the value's). */
  map_key?: string;
  /** The oneof it belongs to, if any. */
  oneof?: string;
  /** Sealed under its owner's key: on the stream it is empty and travels encrypted in metadata.sealed. */
  personal: boolean;
  /** Shown in the admins' audit log and its exports. */
  audit_shown: boolean;
  comment: string;
};

export type CatalogMessage = {
  type_name: string;
  comment: string;
  /** The field naming the member whose personal data this message carries (personal.proto). */
  personal_owner: string | null;
  fields: CatalogField[];
};

/** One case of an envelope's `event` oneof. */
export type CatalogEvent = CatalogMessage & {
  /** The oneof field's proto name, e.g. message_posted. */
  field: string;
  /** The case as protobuf-es names it, e.g. messagePosted. */
  case: string;
  number: number;
  /** The audit log's action for it, e.g. chat.MessagePosted. */
  audit_action: string;
};

export type CatalogEnvelope = {
  domain: string;
  stream: string;
  type_name: string;
  comment: string;
  /** The message every event carries next to its case (hearth.common.v1.EventMetadata). */
  metadata: string;
  events: CatalogEvent[];
};

export type CatalogEnum = {
  type_name: string;
  comment: string;
  values: { name: string; number: number; comment: string }[];
};

export type Catalog = {
  streams: CatalogStream[];
  headers: CatalogHeader[];
  subjects: CatalogSubject[];
  envelopes: CatalogEnvelope[];
  /** Every other message the events hold (the metadata, attachments…), google.protobuf's aside. */
  messages: CatalogMessage[];
  enums: CatalogEnum[];
};

/**
 * GET /api/v1/catalog (any signed-in member): the catalogue, and the key the audit chain's
 * checkpoints are signed with, as GET /api/v1/audit/public-key gives it.
 */
export type CatalogResponse = Catalog & { audit_public_key: AuditPublicKey };
