import { create } from '@bufbuild/protobuf';
import { describe, it } from 'vitest';
import {
  InviteCreatedSchema,
  InviteRevokedSchema,
  InviteUsedSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { deciderSpec } from '../../test/decider.ts';
import { inviteAggregate } from './invite.ts';
import type { IdentityEventBody } from './state.ts';

const spec = deciderSpec(inviteAggregate.decider);
const now = new Date('2026-11-22T12:00:00Z');
const inAWeek = new Date(now.getTime() + 7 * 86_400_000);
const admin = { actorId: 'admin1', now };

const created = (maxUses = 1, expiresAt = inAWeek): IdentityEventBody => ({
  case: 'inviteCreated',
  value: create(InviteCreatedSchema, {
    inviteId: 'i1',
    role: 'child',
    expiresAtMs: BigInt(expiresAt.getTime()),
    maxUses,
    createdBy: 'admin1',
  }),
});
const used = (userId: string, usesLeft: number): IdentityEventBody => ({
  case: 'inviteUsed',
  value: create(InviteUsedSchema, { inviteId: 'i1', userId, usesLeft }),
});
const revoked: IdentityEventBody = {
  case: 'inviteRevoked',
  value: create(InviteRevokedSchema, { inviteId: 'i1', revokedBy: 'admin1' }),
};
const create1 = {
  type: 'createInvite',
  inviteId: 'i1',
  role: 'child',
  expiresAt: inAWeek,
  maxUses: 1,
} as const;
const use = (userId: string, at = now) => ({ type: 'useInvite', inviteId: 'i1', userId, now: at }) as const;

describe('creating an invite', () => {
  it('records its role, expiry, uses and maker', () =>
    spec
      .given([])
      .when({ ...create1, ...admin })
      .thenEmits([created()]));

  it('refuses a role that does not exist', () =>
    spec
      .given([])
      .when({ ...create1, role: 'owner', ...admin })
      .thenFails('identity.unknown_role'));

  it('refuses an expiry in the past or beyond 90 days', () => {
    spec
      .given([])
      .when({ ...create1, expiresAt: now, ...admin })
      .thenFails('identity.invite_expiry_out_of_range');
    spec
      .given([])
      .when({ ...create1, expiresAt: new Date(now.getTime() + 91 * 86_400_000), ...admin })
      .thenFails('identity.invite_expiry_out_of_range');
  });

  it('refuses no uses, too many, or a fraction', () => {
    for (const maxUses of [0, 101, 1.5]) {
      spec
        .given([])
        .when({ ...create1, maxUses, ...admin })
        .thenFails('identity.invite_uses_out_of_range');
    }
  });

  it('does nothing when the same invite is asked for again, and refuses another one on its id', () => {
    spec
      .given([created()])
      .when({ ...create1, ...admin })
      .thenNothing();
    spec
      .given([created()])
      .when({ ...create1, role: 'admin', ...admin })
      .thenFails('identity.invite_id_taken');
  });
});

describe('signing up with an invite', () => {
  it('takes one use for the new account', () =>
    spec
      .given([created(3)])
      .when(use('u1'))
      .thenEmits([used('u1', 2)]));

  it('takes the last use, then refuses the next', () => {
    spec
      .given([created(2), used('u1', 1)])
      .when(use('u2'))
      .thenEmits([used('u2', 0)]);
    spec
      .given([created(2), used('u1', 1), used('u2', 0)])
      .when(use('u3'))
      .thenFails('identity.invite_used_up');
  });

  it('refuses an expired invite', () =>
    spec.given([created()]).when(use('u1', inAWeek)).thenFails('identity.invite_expired'));

  it('refuses a revoked invite', () =>
    spec.given([created(), revoked]).when(use('u1')).thenFails('identity.invite_revoked'));

  it('refuses an invite that does not exist', () =>
    spec.given([]).when(use('u1')).thenFails('identity.invite_not_found'));
});

describe('revoking an invite', () => {
  it('records who revoked it', () =>
    spec
      .given([created()])
      .when({ type: 'revokeInvite', inviteId: 'i1', ...admin })
      .thenEmits([revoked]));

  it('does nothing the second time', () =>
    spec
      .given([created(), revoked])
      .when({ type: 'revokeInvite', inviteId: 'i1', ...admin })
      .thenNothing());

  it('refuses an invite that does not exist', () =>
    spec
      .given([])
      .when({ type: 'revokeInvite', inviteId: 'i1', ...admin })
      .thenFails('identity.invite_not_found'));
});
