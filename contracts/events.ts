// One envelope message per domain: metadata plus a oneof of that domain's events.
import type { Message } from '@bufbuild/protobuf';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import { AssistantEventSchema } from './gen/hearth/assistant/v1/events_pb.ts';
import { AuditEventSchema } from './gen/hearth/audit/v1/events_pb.ts';
import { ChatEventSchema } from './gen/hearth/chat/v1/events_pb.ts';
import type { EventMetadata } from './gen/hearth/common/v1/metadata_pb.ts';
import { HomeEventSchema } from './gen/hearth/home/v1/events_pb.ts';
import { IdentityEventSchema } from './gen/hearth/identity/v1/events_pb.ts';
import { MediaEventSchema } from './gen/hearth/media/v1/events_pb.ts';
import { PlayEventSchema } from './gen/hearth/play/v1/events_pb.ts';
import { PreferencesEventSchema } from './gen/hearth/preferences/v1/events_pb.ts';
import type { Domain } from './subjects.ts';

export type Envelope = Message & {
  metadata?: EventMetadata;
  event: { case: string; value: Message } | { case: undefined; value?: undefined };
};

/** The event union of an envelope, without the empty case. */
export type EventOf<E extends Envelope> = Extract<E['event'], { case: string }>;

export const ENVELOPES: { [D in Domain]: GenMessage<Envelope> } = {
  identity: IdentityEventSchema as unknown as GenMessage<Envelope>,
  chat: ChatEventSchema as unknown as GenMessage<Envelope>,
  play: PlayEventSchema as unknown as GenMessage<Envelope>,
  home: HomeEventSchema as unknown as GenMessage<Envelope>,
  media: MediaEventSchema as unknown as GenMessage<Envelope>,
  audit: AuditEventSchema as unknown as GenMessage<Envelope>,
  preferences: PreferencesEventSchema as unknown as GenMessage<Envelope>,
  assistant: AssistantEventSchema as unknown as GenMessage<Envelope>,
};

export const HEADERS = {
  type: 'Hearth-Type',
  actor: 'Hearth-Actor',
  onBehalfOf: 'Hearth-On-Behalf-Of',
  correlation: 'Hearth-Correlation-Id',
  causation: 'Hearth-Causation-Id',
  traceparent: 'traceparent',
} as const;
