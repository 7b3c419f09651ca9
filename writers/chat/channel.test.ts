import { describe, it } from 'vitest';
import { deciderSpec } from '../../test/decider.ts';
import { channelAggregate } from './channel.ts';
import { ev } from './events.fixture.ts';

const spec = deciderSpec(channelAggregate.decider);
const trip = [ev.created('trip', 'group', 'ann'), ev.joined('trip', 'ann'), ev.joined('trip', 'bob', 'ann')];
const member = { canModerate: false };

describe('creating a group channel', () => {
  it('creates it with the creator and the invited people as members', () =>
    spec
      .given([])
      .when({
        type: 'create',
        channelId: 'trip',
        name: ' Trip ',
        memberIds: ['bob', 'ann', 'bob'],
        by: 'ann',
      })
      .thenEmits([
        ev.created('trip', 'group', 'ann', 'Trip'),
        ev.joined('trip', 'ann'),
        ev.joined('trip', 'bob', 'ann'),
      ]));

  it('refuses an id that is taken', () =>
    spec
      .given(trip)
      .when({ type: 'create', channelId: 'trip', name: 'Again', memberIds: [], by: 'cat' })
      .thenFails('chat.channel_exists'));

  it('refuses an empty or overlong name', () => {
    spec
      .given([])
      .when({ type: 'create', channelId: 'x', name: '  ', memberIds: [], by: 'ann' })
      .thenFails('chat.invalid_name');
    spec
      .given([])
      .when({ type: 'create', channelId: 'x', name: 'n'.repeat(81), memberIds: [], by: 'ann' })
      .thenFails('chat.invalid_name');
  });
});

describe('the family channel', () => {
  it('is created by the first person who joins it', () =>
    spec
      .given([])
      .when({ type: 'joinFamily', channelId: 'family', userId: 'ann' })
      .thenEmits([ev.created('family', 'family', '', 'Family'), ev.joined('family', 'ann')]));

  it('takes each later person once', () => {
    const family = [ev.created('family', 'family', '', 'Family'), ev.joined('family', 'ann')];
    spec
      .given(family)
      .when({ type: 'joinFamily', channelId: 'family', userId: 'bob' })
      .thenEmits([ev.joined('family', 'bob')]);
    spec.given(family).when({ type: 'joinFamily', channelId: 'family', userId: 'ann' }).thenNothing();
  });

  it('cannot be left or archived', () => {
    const family = [ev.created('family', 'family', '', 'Family'), ev.joined('family', 'ann')];
    spec
      .given(family)
      .when({ type: 'remove', channelId: 'family', userId: 'ann', by: 'ann', ...member })
      .thenFails('chat.members_fixed');
    spec
      .given(family)
      .when({ type: 'archive', channelId: 'family', by: 'admin', canModerate: true })
      .thenFails('chat.cannot_archive');
  });
});

describe('direct messages', () => {
  it('opens a conversation between two people', () =>
    spec
      .given([])
      .when({ type: 'openDm', channelId: 'dm-1', userIds: ['ann', 'bob'], by: 'ann' })
      .thenEmits([
        ev.created('dm-1', 'dm', 'ann', ''),
        ev.joined('dm-1', 'ann'),
        ev.joined('dm-1', 'bob', 'ann'),
      ]));

  it('finds the existing conversation when opened again', () =>
    spec
      .given([ev.created('dm-1', 'dm', 'ann', ''), ev.joined('dm-1', 'ann'), ev.joined('dm-1', 'bob', 'ann')])
      .when({ type: 'openDm', channelId: 'dm-1', userIds: ['bob', 'ann'], by: 'bob' })
      .thenNothing());

  it('refuses a conversation with yourself, or one you are not part of', () => {
    spec
      .given([])
      .when({ type: 'openDm', channelId: 'd', userIds: ['ann', 'ann'], by: 'ann' })
      .thenFails('chat.dm_with_self');
    spec
      .given([])
      .when({ type: 'openDm', channelId: 'd', userIds: ['bob', 'cat'], by: 'ann' })
      .thenFails('chat.not_a_member');
  });

  it('keeps its two members', () =>
    spec
      .given([ev.created('dm-1', 'dm', 'ann', ''), ev.joined('dm-1', 'ann'), ev.joined('dm-1', 'bob', 'ann')])
      .when({ type: 'invite', channelId: 'dm-1', userId: 'cat', by: 'ann', ...member })
      .thenFails('chat.members_fixed'));
});

describe('inviting', () => {
  it('lets a member add someone', () =>
    spec
      .given(trip)
      .when({ type: 'invite', channelId: 'trip', userId: 'cat', by: 'bob', ...member })
      .thenEmits([ev.joined('trip', 'cat', 'bob')]));

  it('refuses someone who is not a member, unless they moderate', () => {
    spec
      .given(trip)
      .when({ type: 'invite', channelId: 'trip', userId: 'dan', by: 'cat', ...member })
      .thenFails('chat.not_a_member');
    spec
      .given(trip)
      .when({ type: 'invite', channelId: 'trip', userId: 'dan', by: 'admin', canModerate: true })
      .thenEmits([ev.joined('trip', 'dan', 'admin')]);
  });

  it('does nothing for someone already in', () =>
    spec
      .given(trip)
      .when({ type: 'invite', channelId: 'trip', userId: 'bob', by: 'ann', ...member })
      .thenNothing());

  it('refuses an unknown or archived channel', () => {
    spec
      .given([])
      .when({ type: 'invite', channelId: 'x', userId: 'bob', by: 'ann', ...member })
      .thenFails('chat.channel_not_found');
    spec
      .given([...trip, ev.archived('trip')])
      .when({ type: 'invite', channelId: 'trip', userId: 'cat', by: 'ann', ...member })
      .thenFails('chat.channel_archived');
  });
});

describe('removing and leaving', () => {
  it('lets a member leave', () =>
    spec
      .given(trip)
      .when({ type: 'remove', channelId: 'trip', userId: 'bob', by: 'bob', ...member })
      .thenEmits([ev.left('trip', 'bob')]));

  it('lets the creator or a moderator remove someone, and nobody else', () => {
    spec
      .given(trip)
      .when({ type: 'remove', channelId: 'trip', userId: 'bob', by: 'ann', ...member })
      .thenEmits([ev.left('trip', 'bob', 'ann')]);
    spec
      .given(trip)
      .when({ type: 'remove', channelId: 'trip', userId: 'bob', by: 'admin', canModerate: true })
      .thenEmits([ev.left('trip', 'bob', 'admin')]);
    spec
      .given(trip)
      .when({ type: 'remove', channelId: 'trip', userId: 'ann', by: 'bob', ...member })
      .thenFails('chat.not_allowed');
  });

  it('does nothing for someone not in the channel', () =>
    spec
      .given(trip)
      .when({ type: 'remove', channelId: 'trip', userId: 'cat', by: 'ann', ...member })
      .thenNothing());
});

describe('archiving', () => {
  it('lets the creator archive, once', () => {
    spec
      .given(trip)
      .when({ type: 'archive', channelId: 'trip', by: 'ann', ...member })
      .thenEmits([ev.archived('trip', 'ann')]);
    spec
      .given([...trip, ev.archived('trip')])
      .when({ type: 'archive', channelId: 'trip', by: 'ann', ...member })
      .thenNothing();
  });

  it('refuses another member', () =>
    spec
      .given(trip)
      .when({ type: 'archive', channelId: 'trip', by: 'bob', ...member })
      .thenFails('chat.not_allowed'));
});
