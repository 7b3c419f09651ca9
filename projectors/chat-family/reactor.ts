// Everyone is in the family channel: when someone registers, this reactor has them join it,
// then tells the family with a line from Hearth itself ("Ann joined as child"): the line says
// "joined as child" about Ann's id, and readers put her name in front as it is when they show
// it, so no one's name is written on the CHAT stream in the clear.
// It reads no read model; its checkpoint only records how far it has read IDENTITY.
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { ChatWriter } from '../../writers/chat/commands.ts';
import { FAMILY_CHANNEL_ID } from '../../writers/chat/ids.ts';
import type { Reactor } from '../runtime/types.ts';

export const CHAT_FAMILY = 'chat_family';

/** The family's line about a newcomer, one per account (its id is derived from theirs). */
export function joinedLine({ userId, role }: { userId: string; role: string }) {
  return {
    channelId: FAMILY_CHANNEL_ID,
    messageId: `joined-${userId}`,
    content: `joined as ${role || 'member'}`,
    aboutId: userId,
  };
}

export function familyReactor({
  chat,
}: {
  chat: Pick<ChatWriter, 'joinFamily' | 'announce'>;
}): Reactor<unknown, IdentityEvent> {
  return {
    name: CHAT_FAMILY,
    domain: 'identity',
    reads: [],
    wants: (e) => e.event.case === 'userRegistered',
    react: async (events, { issue }) => {
      for (const e of events) {
        if (e.event.case !== 'userRegistered') continue;
        const { userId, role } = e.event.value;
        // The keys are the user, not the event: whatever registers them, they join once and
        // the family is told once.
        await issue({
          cause: e,
          key: `chat-family-join:${userId}`,
          run: (meta) => chat.joinFamily(userId, meta),
        });
        await issue({
          cause: e,
          key: `chat-family-joined-line:${userId}`,
          run: (meta) => chat.announce(joinedLine({ userId, role }), meta),
        });
      }
    },
  };
}
