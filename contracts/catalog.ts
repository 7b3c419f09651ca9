// The catalogue of the log for integrators (catalog.api.ts), built from the protobuf
// descriptors: every envelope's events, their fields, which are personal and which the audit
// log shows. The comments come from catalog.comments.json, which `npm run catalog` writes from
// the .proto sources and subjects.ts (the embedded descriptors carry no comments).
import {
  type DescEnum,
  type DescField,
  type DescMessage,
  getOption,
  hasOption,
  ScalarType,
} from '@bufbuild/protobuf';
import type {
  Catalog,
  CatalogEnum,
  CatalogEnvelope,
  CatalogField,
  CatalogHeader,
  CatalogMessage,
  CatalogStream,
  CatalogSubject,
} from './catalog.api.ts';
import generated from './catalog.comments.json' with { type: 'json' };
import { ENVELOPES, HEADERS } from './events.ts';
import { audit_shown } from './gen/hearth/common/v1/audit_pb.ts';
import { personal, personal_owner } from './gen/hearth/common/v1/personal_pb.ts';
import { DOMAINS, type Names } from './subjects.ts';

export type CatalogComments = {
  /** By full name: a message, a field or oneof (message.field), an enum, a value (enum.VALUE). */
  proto: Record<string, string>;
  /** By `<domain>.<function>` of Names: the function's parameters (snake_case) and doc comment. */
  subjects: Record<string, { params: string[]; doc: string }>;
};

export const CATALOG_COMMENTS: CatalogComments = generated;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What each header means; typed against HEADERS, so a header added there must be described here. */
const HEADER_DOCS: { [K in keyof typeof HEADERS]: { always: boolean; doc: string } } = {
  type: {
    always: true,
    doc: "The event's full protobuf type name (e.g. hearth.chat.v1.MessagePosted): route on it without decoding the payload.",
  },
  actor: {
    always: false,
    doc: 'The member who caused the event (during impersonation, the admin); absent for the system.',
  },
  onBehalfOf: { always: false, doc: 'Set during impersonation: the member the admin acted as.' },
  correlation: {
    always: true,
    doc: 'Shared by every event one request caused, and by the events reactions to them caused in turn.',
  },
  causation: {
    always: false,
    doc: 'What caused it, when another event did: `<STREAM>:<seq>` of that event (reactors).',
  },
  traceparent: {
    always: false,
    doc: 'The W3C trace context of the request that wrote it, when the request was traced.',
  },
};

export function buildCatalog({
  names,
  retentionMs,
  comments = CATALOG_COMMENTS,
}: {
  /** This deployment's names (its namespace prefix, if any). */
  names: Names;
  /** The streams' max age. */
  retentionMs: number;
  comments?: CatalogComments;
}): Catalog {
  const note = (name: string) => comments.proto[name] ?? '';
  const envelopes = DOMAINS.map((domain) => envelopeOf(domain, names.stream(domain), note));
  const streams: CatalogStream[] = DOMAINS.map((domain) => ({
    domain,
    name: names.stream(domain),
    subjects: names.domainFilter(domain),
    retention_ms: retentionMs,
    retention_days: retentionMs / DAY_MS,
    envelope: ENVELOPES[domain].typeName,
  }));
  const headers: CatalogHeader[] = (Object.keys(HEADERS) as (keyof typeof HEADERS)[]).map((key) => ({
    name: HEADERS[key],
    ...HEADER_DOCS[key],
  }));
  const { messages, enums } = referenced(
    DOMAINS.map((d) => ENVELOPES[d]),
    note,
  );
  return { streams, headers, subjects: subjectsOf(names, comments), envelopes, messages, enums };
}

type Note = (fullName: string) => string;

function envelopeOf(domain: (typeof DOMAINS)[number], stream: string, note: Note): CatalogEnvelope {
  const desc = ENVELOPES[domain] as DescMessage;
  const metadata = desc.fields.find((f) => f.name === 'metadata')?.message;
  const oneof = desc.oneofs.find((o) => o.name === 'event');
  if (!metadata || !oneof) throw new Error(`${desc.typeName} is no envelope: metadata and oneof event`);
  return {
    domain,
    stream,
    type_name: desc.typeName,
    comment: note(desc.typeName),
    metadata: metadata.typeName,
    events: oneof.fields.map((field) => {
      if (!field.message) throw new Error(`${desc.typeName}.${field.name} is no message`);
      return {
        field: field.name,
        case: field.localName,
        number: field.number,
        audit_action: `${domain}.${field.message.name}`,
        ...messageOf(field.message, note),
      };
    }),
  };
}

function messageOf(desc: DescMessage, note: Note): CatalogMessage {
  const owner = hasOption(desc, personal_owner) ? getOption(desc, personal_owner) : '';
  return {
    type_name: desc.typeName,
    comment: note(desc.typeName),
    personal_owner: owner || null,
    fields: desc.fields.map((f) => fieldOf(f, note(`${desc.typeName}.${f.name}`))),
  };
}

function fieldOf(field: DescField, comment: string): CatalogField {
  const shape = shapeOf(field);
  return {
    name: field.name,
    json_name: field.jsonName,
    number: field.number,
    ...shape,
    ...(field.oneof ? { oneof: field.oneof.name } : {}),
    personal: hasOption(field, personal) && getOption(field, personal),
    audit_shown: hasOption(field, audit_shown) && getOption(field, audit_shown),
    comment,
  };
}

const scalar = (t: ScalarType) => ScalarType[t].toLowerCase();

function shapeOf(field: DescField): Pick<CatalogField, 'type' | 'kind' | 'label' | 'map_key'> {
  const label = field.proto.proto3Optional ? 'optional' : 'singular';
  switch (field.fieldKind) {
    case 'scalar':
      return { type: scalar(field.scalar), kind: 'scalar', label };
    case 'enum':
      return { type: field.enum.typeName, kind: 'enum', label };
    case 'message':
      return { type: field.message.typeName, kind: 'message', label };
    case 'list':
      if (field.listKind === 'scalar')
        return { type: scalar(field.scalar), kind: 'scalar', label: 'repeated' };
      if (field.listKind === 'enum') return { type: field.enum.typeName, kind: 'enum', label: 'repeated' };
      return { type: field.message.typeName, kind: 'message', label: 'repeated' };
    case 'map': {
      const map_key = scalar(field.mapKey);
      if (field.mapKind === 'scalar')
        return { type: scalar(field.scalar), kind: 'scalar', label: 'map', map_key };
      if (field.mapKind === 'enum') return { type: field.enum.typeName, kind: 'enum', label: 'map', map_key };
      return { type: field.message.typeName, kind: 'message', label: 'map', map_key };
    }
    default: {
      const never: never = field;
      throw new Error(`unknown field kind ${String(never)}`);
    }
  }
}

/** Every message and enum the envelopes hold that is not an event itself; google.protobuf's left by name. */
function referenced(
  envelopes: DescMessage[],
  note: Note,
): { messages: CatalogMessage[]; enums: CatalogEnum[] } {
  const events = new Set(
    envelopes.flatMap((e) => e.oneofs.flatMap((o) => o.fields.map((f) => f.message?.typeName))),
  );
  const messages = new Map<string, DescMessage>();
  const enums = new Map<string, DescEnum>();
  const visit = (desc: DescMessage) => {
    for (const f of desc.fields) {
      if (f.enum && !enums.has(f.enum.typeName)) enums.set(f.enum.typeName, f.enum);
      const m = f.message;
      if (!m || m.typeName.startsWith('google.protobuf.') || messages.has(m.typeName)) continue;
      if (!events.has(m.typeName) && !envelopes.includes(m)) messages.set(m.typeName, m);
      visit(m);
    }
  };
  for (const e of envelopes) visit(e);
  const byName = <T extends { type_name: string }>(a: T, b: T) => (a.type_name < b.type_name ? -1 : 1);
  return {
    messages: [...messages.values()].map((m) => messageOf(m, note)).sort(byName),
    enums: [...enums.values()]
      .map((e) => ({
        type_name: e.typeName,
        comment: note(e.typeName),
        values: e.values.map((v) => ({
          name: v.name,
          number: v.number,
          comment: note(`${e.typeName}.${v.name}`),
        })),
      }))
      .sort(byName),
  };
}

type SubjectFn = (...ids: string[]) => string;

/** Each domain's subject functions of `names`, called with placeholders to show their pattern. */
function subjectsOf(names: Names, comments: CatalogComments): CatalogSubject[] {
  const out: CatalogSubject[] = [];
  for (const domain of DOMAINS) {
    for (const [name, fn] of Object.entries(names[domain] as Record<string, SubjectFn>)) {
      const doc = comments.subjects[`${domain}.${name}`];
      if (!doc || doc.params.length !== fn.length)
        throw new Error(`names.${domain}.${name} is not in catalog.comments.json as it is: npm run catalog`);
      // Placeholders the id check accepts and no subject holds otherwise.
      let pattern = fn(...doc.params.map((_, i) => `__${i}__`));
      doc.params.forEach((p, i) => {
        pattern = pattern.replace(`__${i}__`, `{${p}}`);
      });
      out.push({ domain, name, pattern, params: doc.params, doc: doc.doc });
    }
  }
  return out;
}
