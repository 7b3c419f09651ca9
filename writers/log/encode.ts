// How an event goes onto the log: the protobuf envelope with its metadata, and the headers
// (type, actor, correlation, causation, trace) every publisher sets the same way. The client's
// address and user agent are in the metadata only: personal data, not for every integrator.
import { create, toBinary } from '@bufbuild/protobuf';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { type Envelope, type EventOf, HEADERS } from '../../contracts/events.ts';
import { EventMetadataSchema } from '../../contracts/gen/hearth/common/v1/metadata_pb.ts';
import type { CommandMeta } from './append.ts';

export function encode<Env extends Envelope>(
  envelope: GenMessage<Env>,
  event: EventOf<Env>,
  meta: Pick<
    CommandMeta,
    'now' | 'actorId' | 'onBehalfOf' | 'correlationId' | 'causationId' | 'clientIp' | 'userAgent'
  >,
): Uint8Array {
  const metadata = create(EventMetadataSchema, {
    occurredAt: timestampFromDate(meta.now),
    actorId: meta.actorId,
    onBehalfOf: meta.onBehalfOf ?? '',
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? '',
    clientIp: meta.clientIp ?? '',
    userAgent: meta.userAgent ?? '',
  });
  return toBinary(envelope, create(envelope, { metadata, event } as never));
}

export function eventHeaders(
  event: { value: { $typeName: string } },
  meta: Pick<CommandMeta, 'actorId' | 'onBehalfOf' | 'correlationId' | 'causationId' | 'traceparent'>,
) {
  const h = natsHeaders();
  h.set(HEADERS.type, event.value.$typeName);
  if (meta.actorId) h.set(HEADERS.actor, meta.actorId);
  if (meta.onBehalfOf) h.set(HEADERS.onBehalfOf, meta.onBehalfOf);
  h.set(HEADERS.correlation, meta.correlationId);
  if (meta.causationId) h.set(HEADERS.causation, meta.causationId);
  if (meta.traceparent) h.set(HEADERS.traceparent, meta.traceparent);
  return h;
}
