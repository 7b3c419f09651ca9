// Everyone is in the family channel: when someone registers, this reactor has them join it.
// It reads no read model; its checkpoint only records how far it has read IDENTITY.
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { ChatWriter } from '../../writers/chat/commands.ts';
import type { Reactor } from '../runtime/types.ts';

export const CHAT_FAMILY = 'chat_family';

export function familyReactor({
  chat,
}: {
  chat: Pick<ChatWriter, 'joinFamily'>;
}): Reactor<unknown, IdentityEvent> {
  return {
    name: CHAT_FAMILY,
    domain: 'identity',
    reads: [],
    wants: (e) => e.event.case === 'userRegistered',
    react: async (events, { issue }) => {
      for (const e of events) {
        if (e.event.case !== 'userRegistered') continue;
        const userId = e.event.value.userId;
        // The key is the user, not the event: whatever registers them, they join once.
        await issue({
          cause: e,
          key: `chat-family-join:${userId}`,
          run: (meta) => chat.joinFamily(userId, meta),
        });
      }
    },
  };
}
