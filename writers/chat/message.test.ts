import { describe, it } from 'vitest';
import { deciderSpec } from '../../test/decider.ts';
import { channelAggregate } from './channel.ts';
import { ev } from './events.fixture.ts';
import { type MessageCommand, messageAggregate } from './message.ts';
import { type Channel, type ChatEventBody, evolveMessage, initialMessage } from './state.ts';

const spec = deciderSpec(messageAggregate.decider);
const channelOf = (events: ChatEventBody[]) =>
  events.reduce(channelAggregate.decider.evolve, channelAggregate.decider.initialState);
const trip = channelOf([ev.created('trip'), ev.joined('trip', 'ann'), ev.joined('trip', 'bob', 'ann')]);
const on = { channelId: 'trip', messageId: 'm1', channel: trip };
const posted = ev.posted('trip', 'm1', 'ann', 'hello');
type Post = Extract<MessageCommand, { type: 'post' }>;
const post = (content: string, extra: Partial<Post> = {}): Post => ({
  type: 'post',
  ...on,
  senderId: 'ann',
  content,
  mentionIds: [],
  ...extra,
});

describe('a line from Hearth itself', () => {
  const announce = (extra: Partial<Extract<MessageCommand, { type: 'announce' }>> = {}) =>
    ({ type: 'announce', ...on, content: 'Cy joined as child', ...extra }) as const;
  const line = ev.posted('trip', 'm1', '', 'Cy joined as child');

  it('is posted by no member, in an open channel', () => spec.given([]).when(announce()).thenEmits([line]));

  it('is posted once, however often it is asked for', () =>
    spec.given([line]).when(announce()).thenNothing());

  it('refuses an unknown or archived channel, and an id a person took', () => {
    spec
      .given([])
      .when(announce({ channel: { status: 'none' } }))
      .thenFails('chat.channel_not_found');
    spec
      .given([])
      .when(announce({ channel: { ...trip, status: 'archived' } as Channel }))
      .thenFails('chat.channel_archived');
    spec.given([posted]).when(announce()).thenFails('chat.message_id_taken');
  });
});

describe('posting', () => {
  it('records the message', () => spec.given([]).when(post('hello')).thenEmits([posted]));

  it('refuses someone who is not a member', () =>
    spec
      .given([])
      .when({ ...post('hi'), senderId: 'cat' })
      .thenFails('chat.not_a_member'));

  it('refuses an unknown or archived channel', () => {
    spec
      .given([])
      .when({ ...post('hi'), channel: { status: 'none' } })
      .thenFails('chat.channel_not_found');
    spec
      .given([])
      .when({ ...post('hi'), channel: { ...trip, status: 'archived' } as Channel })
      .thenFails('chat.channel_archived');
  });

  it('takes 4,000 characters and refuses one more, counting emoji as one', () => {
    spec
      .given([])
      .when(post('😀'.repeat(4000)))
      .thenEmits([ev.posted('trip', 'm1', 'ann', '😀'.repeat(4000))]);
    spec
      .given([])
      .when(post('a'.repeat(4001)))
      .thenFails('chat.message_too_long');
  });

  it('refuses an empty message', () => spec.given([]).when(post(' \n ')).thenFails('chat.empty_message'));

  it('keeps mentions of members only, once each', () =>
    spec
      .given([])
      .when(post('@bob @cat', { mentionIds: ['bob', 'cat', 'bob'] }))
      .thenEmits([ev.posted('trip', 'm1', 'ann', '@bob @cat', { mentionIds: ['bob'] })]));

  it('replies to a message of the same channel', () => {
    const target = [ev.posted('trip', 'm0', 'bob')].reduce(evolveMessage, initialMessage);
    spec
      .given([])
      .when(post('yes', { replyToId: 'm0', replyTo: target }))
      .thenEmits([ev.posted('trip', 'm1', 'ann', 'yes', { replyToId: 'm0' })]);
  });

  it('refuses a reply to a message that is missing, deleted or elsewhere', () => {
    const elsewhere = [ev.posted('other', 'm0', 'bob')].reduce(evolveMessage, initialMessage);
    const gone = [ev.posted('trip', 'm0', 'bob'), ev.deleted('trip', 'm0', 'bob')].reduce(
      evolveMessage,
      initialMessage,
    );
    for (const replyTo of [initialMessage, elsewhere, gone])
      spec
        .given([])
        .when(post('yes', { replyToId: 'm0', replyTo }))
        .thenFails('chat.reply_target_not_found');
  });

  it('treats a retried post as done, and a different one with the same id as a conflict', () => {
    spec.given([posted]).when(post('hello')).thenNothing();
    spec.given([posted]).when(post('other text')).thenFails('chat.message_id_taken');
    spec
      .given([posted])
      .when({ ...post('hello'), senderId: 'bob' })
      .thenFails('chat.message_id_taken');
  });
});

describe('editing', () => {
  const edit = (by: string, content: string): MessageCommand => ({
    type: 'edit',
    ...on,
    by,
    content,
    mentionIds: [],
  });

  it('lets the author change the text', () =>
    spec
      .given([posted])
      .when(edit('ann', 'hello!'))
      .thenEmits([ev.edited('trip', 'm1', 'ann', 'hello!')]));

  it('refuses anyone else, even an admin', () =>
    spec.given([posted]).when(edit('bob', 'hacked')).thenFails('chat.not_author'));

  it('refuses a deleted or unknown message', () => {
    spec
      .given([posted, ev.deleted('trip', 'm1', 'ann')])
      .when(edit('ann', 'x'))
      .thenFails('chat.message_deleted');
    spec.given([]).when(edit('ann', 'x')).thenFails('chat.message_not_found');
  });

  it('does nothing when the text is unchanged', () =>
    spec.given([posted]).when(edit('ann', 'hello')).thenNothing());

  it('refuses an author who has left the channel', () =>
    spec
      .given([posted])
      .when({ ...edit('ann', 'x'), channel: channelOf([ev.created('trip'), ev.joined('trip', 'bob')]) })
      .thenFails('chat.not_a_member'));
});

describe('deleting', () => {
  const del = (by: string, canModerate = false) => ({ type: 'delete', ...on, by, canModerate }) as const;

  it('leaves a tombstone when the author deletes', () =>
    spec
      .given([posted])
      .when(del('ann'))
      .thenEmits([ev.deleted('trip', 'm1', 'ann')]));

  it('lets a moderator delete anyone’s message', () =>
    spec
      .given([posted])
      .when(del('admin', true))
      .thenEmits([ev.deleted('trip', 'm1', 'admin')]));

  it('refuses another member', () => spec.given([posted]).when(del('bob')).thenFails('chat.not_author'));

  it('does nothing the second time', () =>
    spec
      .given([posted, ev.deleted('trip', 'm1', 'ann')])
      .when(del('ann'))
      .thenNothing());

  it('forgets the text in the state it leaves', () => {
    const state = [posted, ev.reacted('trip', 'm1', 'bob', '👍'), ev.deleted('trip', 'm1', 'ann')].reduce(
      evolveMessage,
      initialMessage,
    );
    if (state.status === 'none') throw new Error('expected a tombstone');
    if (state.content !== '' || Object.keys(state.reactions).length !== 0)
      throw new Error('tombstone kept data');
  });
});

describe('reacting', () => {
  const react = (by: string, emoji: string, isOn = true) =>
    ({ type: 'react', ...on, by, emoji, on: isOn }) as const;

  it('adds a reaction once per person and emoji', () => {
    spec
      .given([posted])
      .when(react('bob', '👍'))
      .thenEmits([ev.reacted('trip', 'm1', 'bob', '👍')]);
    spec
      .given([posted, ev.reacted('trip', 'm1', 'bob', '👍')])
      .when(react('bob', '👍'))
      .thenNothing();
  });

  it('removes a reaction that is there, and ignores one that is not', () => {
    spec
      .given([posted, ev.reacted('trip', 'm1', 'bob', '👍')])
      .when(react('bob', '👍', false))
      .thenEmits([ev.unreacted('trip', 'm1', 'bob', '👍')]);
    spec
      .given([posted])
      .when(react('bob', '👍', false))
      .thenNothing();
  });

  it('refuses non-members, deleted messages and bad emoji', () => {
    spec.given([posted]).when(react('cat', '👍')).thenFails('chat.not_a_member');
    spec
      .given([posted, ev.deleted('trip', 'm1', 'ann')])
      .when(react('bob', '👍'))
      .thenFails('chat.message_deleted');
    spec.given([posted]).when(react('bob', 'a b')).thenFails('chat.invalid_emoji');
    spec.given([posted]).when(react('bob', '')).thenFails('chat.invalid_emoji');
  });
});
