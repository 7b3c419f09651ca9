// A member's erasure on a stream other than identity's: one MemberErased event under
// `<domain>.erasure.<member>`, so every read model of that stream blanks the member's personal
// data at that point of its stream (a rebuild meets it at the same place). Written once: the
// expected sequence 0 makes a second erasure of the same member a no-op.
import { create } from '@bufbuild/protobuf';
import type { Envelope, EventOf } from '../../contracts/events.ts';
import { ENVELOPES } from '../../contracts/events.ts';
import type { AssistantEvent } from '../../contracts/gen/hearth/assistant/v1/events_pb.ts';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { MemberErasedSchema } from '../../contracts/gen/hearth/common/v1/personal_pb.ts';
import type { MediaEvent } from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import type { PlayEvent } from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { PreferencesEvent } from '../../contracts/gen/hearth/preferences/v1/events_pb.ts';
import type { AggregateType } from './append.ts';

export type ErasureCommand = { memberId: string; requestedBy: string; requestedAtMs: number };
type Erased = { erased: boolean };
type ErasureDomain = 'chat' | 'media' | 'play' | 'preferences' | 'assistant';
type EnvelopeOf<D extends ErasureDomain> = {
  chat: ChatEvent;
  media: MediaEvent;
  play: PlayEvent;
  preferences: PreferencesEvent;
  assistant: AssistantEvent;
}[D];

/** The domains whose streams get the member's erasure after identity's. */
export const ERASURE_DOMAINS: ErasureDomain[] = ['chat', 'media', 'play', 'preferences', 'assistant'];

export function erasureAggregate<D extends ErasureDomain>(
  domain: D,
): AggregateType<Erased, ErasureCommand, EnvelopeOf<D>> {
  return {
    domain,
    envelope: ENVELOPES[domain] as never,
    subject: (names, memberId) => names[domain].erasure(memberId),
    decider: {
      initialState: { erased: false },
      evolve: (_s, e) => ({ erased: (e as { case?: string }).case === 'memberErased' }),
      decide: (c, s) =>
        s.erased
          ? []
          : [
              {
                case: 'memberErased',
                value: create(MemberErasedSchema, {
                  memberId: c.memberId,
                  requestedBy: c.requestedBy,
                  requestedAtMs: BigInt(c.requestedAtMs),
                }),
              } as EventOf<Envelope> as EventOf<EnvelopeOf<D>>,
            ],
    },
    concurrency: 'optimistic',
  };
}
