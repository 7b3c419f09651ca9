import { describe, it } from 'vitest';
import { deciderSpec } from '../../test/decider.ts';
import { channelAggregate } from './channel.ts';
import { ev } from './events.fixture.ts';
import { type MessageCommand, messageAggregate } from './message.ts';
import type { ChatEventBody } from './state.ts';

const spec = deciderSpec(messageAggregate.decider);
const channelOf = (events: ChatEventBody[]) =>
  events.reduce(channelAggregate.decider.evolve, channelAggregate.decider.initialState);
const dm = channelOf([ev.created('dm1'), ev.joined('dm1', 'ann'), ev.joined('dm1', 'bob')]);
const posted = ev.posted('dm1', 'm1', 'ann', 'just between us');
const on = (messageId: string) => ({ channelId: 'dm1', messageId, channel: dm });

describe('someone outside a channel acting on its messages', () => {
  const commands = (messageId: string, by: string): MessageCommand[] => [
    { type: 'delete', ...on(messageId), by, canModerate: false },
    { type: 'edit', ...on(messageId), by, content: 'x', mentionIds: [] },
    { type: 'react', ...on(messageId), by, emoji: '👍', on: true },
  ];

  it('gets the same answer for a real id as for a made-up one', () => {
    for (const command of commands('m1', 'cat')) {
      spec.given([posted]).when(command).thenFails('chat.not_a_member');
    }
    for (const command of commands('made-up', 'cat')) {
      spec.given([]).when(command).thenFails('chat.not_a_member');
    }
  });

  it('still lets a member learn that an id is unknown', () => {
    for (const command of commands('made-up', 'bob')) {
      spec.given([]).when(command).thenFails('chat.message_not_found');
    }
  });

  it('lets an author who has left delete their own message', () => {
    const left = channelOf([ev.created('dm1'), ev.joined('dm1', 'bob')]);
    spec
      .given([posted])
      .when({
        type: 'delete',
        channelId: 'dm1',
        messageId: 'm1',
        channel: left,
        by: 'ann',
        canModerate: false,
      })
      .thenEmits([ev.deleted('dm1', 'm1', 'ann')]);
  });

  it('lets a moderator delete without being a member', () =>
    spec
      .given([posted])
      .when({ type: 'delete', ...on('m1'), by: 'admin', canModerate: true })
      .thenEmits([ev.deleted('dm1', 'm1', 'admin')]));
});
