// One invite into the family: a role, an expiry and a number of uses. Its own small aggregate,
// so taking a use is decided against the uses left with optimistic concurrency: two sign-ups
// racing for the last use cannot both have it.
import { create } from '@bufbuild/protobuf';
import {
  type IdentityEvent,
  IdentityEventSchema,
  InviteCreatedSchema,
  InviteRevokedSchema,
  InviteUsedSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { identityErrors } from './errors.ts';
import { isRole, type Role } from './roles.ts';
import type { IdentityEventBody } from './state.ts';

export const MAX_INVITE_USES = 100;
export const MAX_INVITE_DAYS = 90;
const DAY_MS = 86_400_000;

export type OpenedInvite = {
  status: 'created';
  inviteId: string;
  role: Role;
  expiresAtMs: number;
  maxUses: number;
  used: number;
  revoked: boolean;
  /** The admin who made it ('' for the hub's own CLI). */
  createdBy: string;
};

export type Invite = { status: 'none' } | OpenedInvite;

export const initialInvite: Invite = { status: 'none' };

type By = { actorId: string; now: Date };

export type InviteCommand =
  | ({ type: 'createInvite'; inviteId: string; role: string; expiresAt: Date; maxUses: number } & By)
  | { type: 'useInvite'; inviteId: string; userId: string; now: Date }
  | ({ type: 'revokeInvite'; inviteId: string } & By);

export function evolveInvite(state: Invite, event: IdentityEventBody): Invite {
  switch (event.case) {
    case 'inviteCreated': {
      const v = event.value;
      if (!isRole(v.role)) return state;
      return {
        status: 'created',
        inviteId: v.inviteId,
        role: v.role,
        expiresAtMs: Number(v.expiresAtMs),
        maxUses: v.maxUses,
        used: 0,
        revoked: false,
        createdBy: v.createdBy,
      };
    }
    case 'inviteUsed':
      return state.status === 'created' ? { ...state, used: state.used + 1 } : state;
    case 'inviteRevoked':
      return state.status === 'created' ? { ...state, revoked: true } : state;
    case 'userRegistered':
    case 'roleChanged':
    case 'userBanned':
    case 'userUnbanned':
    case 'profileUpdated':
    case 'passwordChanged':
    case 'signedIn':
    case 'signInFailed':
    case 'signedOut':
    case 'sessionRevoked':
    case 'familyNamed':
    case 'signUpPolicySet':
    case 'apiKeyIssued':
    case 'apiKeyRevoked':
    case 'webhookRegistered':
    case 'webhookChanged':
    case 'webhookRemoved':
    case 'memberErased':
      return state;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** The invite, if it admits someone signing up at `now`; throws why it admits no one. */
export function admitting(state: Invite, now: Date): OpenedInvite {
  if (state.status === 'none') throw identityErrors.inviteNotFound();
  if (state.revoked) throw identityErrors.inviteRevoked();
  if (state.used >= state.maxUses) throw identityErrors.inviteUsedUp();
  if (state.expiresAtMs <= now.getTime()) throw identityErrors.inviteExpired();
  return state;
}

export function decideInvite(command: InviteCommand, state: Invite): IdentityEventBody[] {
  switch (command.type) {
    case 'createInvite':
      return createInvite(command, state);
    case 'useInvite': {
      const invite = admitting(state, command.now);
      const value = create(InviteUsedSchema, {
        inviteId: invite.inviteId,
        userId: command.userId,
        usesLeft: invite.maxUses - invite.used - 1,
      });
      return [{ case: 'inviteUsed', value }];
    }
    case 'revokeInvite': {
      if (state.status === 'none') throw identityErrors.inviteNotFound();
      if (state.revoked) return [];
      const value = create(InviteRevokedSchema, { inviteId: state.inviteId, revokedBy: command.actorId });
      return [{ case: 'inviteRevoked', value }];
    }
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

function createInvite(command: Extract<InviteCommand, { type: 'createInvite' }>, state: Invite) {
  if (!isRole(command.role)) throw identityErrors.unknownRole();
  const now = command.now.getTime();
  const expiresAtMs = command.expiresAt.getTime();
  if (!(expiresAtMs > now && expiresAtMs <= now + MAX_INVITE_DAYS * DAY_MS)) {
    throw identityErrors.inviteExpiryOutOfRange();
  }
  if (!Number.isInteger(command.maxUses) || command.maxUses < 1 || command.maxUses > MAX_INVITE_USES) {
    throw identityErrors.inviteUsesOutOfRange();
  }
  if (state.status === 'created') {
    // The same invite asked for again is already made; another one cannot take its id.
    const same = state.role === command.role && state.maxUses === command.maxUses;
    if (same) return [];
    throw identityErrors.inviteIdTaken();
  }
  const value = create(InviteCreatedSchema, {
    inviteId: command.inviteId,
    role: command.role,
    expiresAtMs: BigInt(expiresAtMs),
    maxUses: command.maxUses,
    createdBy: command.actorId,
  });
  return [{ case: 'inviteCreated', value } as const];
}

export const inviteAggregate: AggregateType<Invite, InviteCommand, IdentityEvent> = {
  domain: 'identity',
  envelope: IdentityEventSchema,
  subject: (names, inviteId) => names.identity.invite(inviteId),
  decider: { initialState: initialInvite, evolve: evolveInvite, decide: decideInvite },
  concurrency: 'optimistic',
  // A new invite's id is the hash of a fresh token: expected sequence 0 is the check.
  expectsNew: (command) => command.type === 'createInvite',
};
