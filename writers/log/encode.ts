// How an event goes onto the log: the protobuf envelope with its metadata, and the headers
// (type, actor, correlation, causation, trace) every publisher sets the same way. The client's
// address and user agent are in the metadata only: personal data, not for every integrator.

import type { DescMessage, Message } from '@bufbuild/protobuf';
import { create, toBinary } from '@bufbuild/protobuf';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { type Envelope, type EventOf, HEADERS } from '../../contracts/events.ts';
import { EventMetadataSchema } from '../../contracts/gen/hearth/common/v1/metadata_pb.ts';
import type { CommandMeta } from './append.ts';
import type { Keyring } from './keys.ts';
import { personalOwner, sealEvent } from './seal.ts';

export function encode<Env extends Envelope>(
  envelope: GenMessage<Env>,
  event: EventOf<Env>,
  meta: Pick<
    CommandMeta,
    'now' | 'actorId' | 'onBehalfOf' | 'correlationId' | 'causationId' | 'clientIp' | 'userAgent'
  >,
  /** The namespace's keys: an event with personal fields is sealed under its owner's (seal.ts). */
  keys?: Pick<Keyring, 'sealingKey'>,
): Uint8Array {
  const desc = eventDesc(envelope, event.value.$typeName);
  let value = event.value as Message;
  let sealed: ReturnType<typeof sealEvent>['sealed'];
  if (personalOwner(desc, value)) {
    if (!keys)
      throw new Error(`${desc.typeName} carries personal fields: encode it with the namespace's keys`);
    ({ value, sealed } = sealEvent(desc, value, keys));
  }
  const metadata = create(EventMetadataSchema, {
    occurredAt: timestampFromDate(meta.now),
    actorId: meta.actorId,
    onBehalfOf: meta.onBehalfOf ?? '',
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? '',
    clientIp: meta.clientIp ?? '',
    userAgent: meta.userAgent ?? '',
    ...(sealed && { sealed }),
  });
  return toBinary(envelope, create(envelope, { metadata, event: { case: event.case, value } } as never));
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

const descs = new Map<string, DescMessage>();

/** The descriptor of one of the envelope's events, by its type name. */
export function eventDesc(envelope: DescMessage, typeName: string): DescMessage {
  let desc = descs.get(typeName);
  if (!desc) {
    desc = envelope.fields.find((f) => f.oneof && f.message?.typeName === typeName)?.message;
    if (!desc) throw new Error(`${typeName} is no event of ${envelope.typeName}`);
    descs.set(typeName, desc);
  }
  return desc;
}

/** The members whose keys sealing these events needs: await keys.ready(...) with them first. */
export function ownersOf(envelope: DescMessage, events: { value: { $typeName: string } }[]): string[] {
  const owners: string[] = [];
  for (const e of events) {
    const owner = personalOwner(eventDesc(envelope, e.value.$typeName), e.value as Message);
    if (owner) owners.push(owner);
  }
  return owners;
}
