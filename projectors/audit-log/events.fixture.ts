// Events of every stream, published the way the writers publish them but with the whole
// metadata (client address, user agent, on-behalf-of), for the audit read model's specs.
import { create, type Message, toBinary } from '@bufbuild/protobuf';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ENVELOPES, type Envelope } from '../../contracts/events.ts';
import { EventMetadataSchema } from '../../contracts/gen/hearth/common/v1/metadata_pb.ts';
import type { Domain } from '../../contracts/subjects.ts';
import type { Log } from '../../writers/log/open.ts';

export type Meta = {
  actorId?: string;
  onBehalfOf?: string;
  clientIp?: string;
  userAgent?: string;
  at?: Date;
};

/** The event message (`case` and its fields) as the decoder gives it, defaults filled. */
export function eventMessage(domain: Domain, event: { case: string; value: object }): Message {
  const field = ENVELOPES[domain].fields.find((f) => f.localName === event.case);
  if (field?.fieldKind !== 'message') throw new Error(`no event ${event.case} in ${domain}`);
  return create(field.message, event.value as never);
}

/** An envelope's bytes: the event (`case` and its fields) with the metadata given. */
export function envelopeBytes(
  domain: Domain,
  event: { case: string; value: object },
  { actorId = '', onBehalfOf = '', clientIp = '', userAgent = '', at = new Date() }: Meta = {},
): Uint8Array {
  const schema = ENVELOPES[domain] as GenMessage<Envelope>;
  const metadata = create(EventMetadataSchema, {
    occurredAt: timestampFromDate(at),
    actorId,
    onBehalfOf,
    correlationId: 'test',
    clientIp,
    userAgent,
  });
  const value = eventMessage(domain, event);
  return toBinary(schema, create(schema, { metadata, event: { case: event.case, value } } as never));
}

export async function publish(
  log: Log,
  domain: Domain,
  subject: string,
  event: { case: string; value: object },
  meta?: Meta,
): Promise<number> {
  const ack = await log.js.publish(subject, envelopeBytes(domain, event, meta));
  return ack.seq;
}
