import { create } from '@bufbuild/protobuf';
import { describe, it } from 'vitest';
import { MemberErasedSchema } from '../../contracts/gen/hearth/common/v1/personal_pb.ts';
import {
  RoleChangedSchema,
  UserBannedSchema,
  UserRegisteredSchema,
  UserUnbannedSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { deciderSpec } from '../../test/decider.ts';
import { accountAggregate } from './decide.ts';
import type { IdentityEventBody } from './state.ts';

const spec = deciderSpec(accountAggregate.decider);
const now = new Date('2026-11-22T12:00:00Z');
const admin = { actorId: 'admin1', now };
const registered: IdentityEventBody = {
  case: 'userRegistered',
  value: create(UserRegisteredSchema, {
    userId: 'u1',
    email: 'kid@family.test',
    name: 'Kid',
    role: 'member',
  }),
};
const banned = (expiresAtMs = 0): IdentityEventBody => ({
  case: 'userBanned',
  value: create(UserBannedSchema, { userId: 'u1', reason: 'spam', expiresAtMs: BigInt(expiresAtMs) }),
});

describe('changing a role', () => {
  it('records the change from the old role to the new', () =>
    spec
      .given([registered])
      .when({ type: 'changeRole', userId: 'u1', role: 'child', ...admin })
      .thenEmits([
        {
          case: 'roleChanged',
          value: create(RoleChangedSchema, { userId: 'u1', fromRole: 'member', toRole: 'child' }),
        },
      ]));

  it('refuses a role that does not exist', () =>
    spec
      .given([registered])
      .when({ type: 'changeRole', userId: 'u1', role: 'owner', ...admin })
      .thenFails('identity.unknown_role'));

  it('does nothing when the role is already set', () =>
    spec
      .given([registered])
      .when({ type: 'changeRole', userId: 'u1', role: 'member', ...admin })
      .thenNothing());

  it('refuses an admin changing their own role', () =>
    spec
      .given([registered])
      .when({ type: 'changeRole', userId: 'u1', role: 'admin', actorId: 'u1', now })
      .thenFails('identity.cannot_change_own_role'));

  it('refuses an unknown user', () =>
    spec
      .given([])
      .when({ type: 'changeRole', userId: 'u1', role: 'child', ...admin })
      .thenFails('identity.user_not_found'));
});

describe('banning', () => {
  it('bans without expiry', () =>
    spec
      .given([registered])
      .when({ type: 'ban', userId: 'u1', reason: 'spam', ...admin })
      .thenEmits([banned()]));

  it('bans until a time in the future', () => {
    const until = new Date(now.getTime() + 3_600_000);
    spec
      .given([registered])
      .when({ type: 'ban', userId: 'u1', reason: 'spam', expiresAt: until, ...admin })
      .thenEmits([banned(until.getTime())]);
  });

  it('refuses an expiry in the past', () =>
    spec
      .given([registered])
      .when({ type: 'ban', userId: 'u1', reason: 'x', expiresAt: new Date(now.getTime() - 1), ...admin })
      .thenFails('identity.ban_expiry_in_past'));

  it('refuses banning twice', () =>
    spec
      .given([registered, banned()])
      .when({ type: 'ban', userId: 'u1', reason: 'again', ...admin })
      .thenFails('identity.already_banned'));

  it('allows a new ban once the old one expired', () =>
    spec
      .given([registered, banned(now.getTime() - 1000)])
      .when({ type: 'ban', userId: 'u1', reason: 'spam', ...admin })
      .thenEmits([banned()]));

  it('refuses banning yourself', () =>
    spec
      .given([registered])
      .when({ type: 'ban', userId: 'u1', reason: 'x', actorId: 'u1', now })
      .thenFails('identity.cannot_ban_self'));
});

describe('unbanning', () => {
  it('lifts a ban', () =>
    spec
      .given([registered, banned()])
      .when({ type: 'unban', userId: 'u1', ...admin })
      .thenEmits([{ case: 'userUnbanned', value: create(UserUnbannedSchema, { userId: 'u1' }) }]));

  it('refuses a user who is not banned', () =>
    spec
      .given([registered])
      .when({ type: 'unban', userId: 'u1', ...admin })
      .thenFails('identity.not_banned'));
});

describe('erasing a member', () => {
  const asked = now.getTime() - 60_000;
  const erase = (over: Partial<{ actorId: string; otherAdmins: number; requestedAtMs: number }> = {}) => ({
    type: 'erase' as const,
    userId: 'u1',
    requestedBy: 'parent1',
    requestedAtMs: asked,
    otherAdmins: 1,
    ...admin,
    ...over,
  });
  const erased: IdentityEventBody = {
    case: 'memberErased',
    value: create(MemberErasedSchema, {
      memberId: 'u1',
      requestedBy: 'parent1',
      requestedAtMs: BigInt(asked),
    }),
  };

  it('records who asked and when', () => spec.given([registered]).when(erase()).thenEmits([erased]));

  it('refuses erasing yourself', () =>
    spec
      .given([registered])
      .when(erase({ actorId: 'u1' }))
      .thenFails('identity.cannot_erase_self'));

  it('refuses the family’s last admin, not an admin among others', () => {
    const anAdmin: IdentityEventBody = {
      case: 'userRegistered',
      value: create(UserRegisteredSchema, { userId: 'u1', email: 'a@family.test', name: 'A', role: 'admin' }),
    };
    spec
      .given([anAdmin])
      .when(erase({ otherAdmins: 0 }))
      .thenFails('identity.last_admin');
    spec
      .given([registered])
      .when(erase({ otherAdmins: 0 }))
      .thenEmits([erased]);
    spec.given([anAdmin]).when(erase()).thenEmits([erased]);
  });

  it('refuses a request dated in the future', () =>
    spec
      .given([registered])
      .when(erase({ requestedAtMs: now.getTime() + 2 * 24 * 3_600_000 }))
      .thenFails('identity.erasure_request_in_future'));

  it('refuses an unknown member', () => spec.given([]).when(erase()).thenFails('identity.user_not_found'));

  it('refuses every later command, a second erasure included', () => {
    spec.given([registered, erased]).when(erase()).thenFails('identity.member_erased');
    spec
      .given([registered, erased])
      .when({ type: 'changeRole', userId: 'u1', role: 'child', ...admin })
      .thenFails('identity.member_erased');
    spec
      .given([registered, erased])
      .when({ type: 'ban', userId: 'u1', reason: 'x', ...admin })
      .thenFails('identity.member_erased');
    spec
      .given([registered, erased])
      .when({ type: 'unban', userId: 'u1', ...admin })
      .thenFails('identity.member_erased');
    // A registration that reached the log late does not bring the account back.
    spec.given([registered, erased, registered]).when(erase()).thenFails('identity.member_erased');
  });
});
