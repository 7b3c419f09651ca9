// Admin decisions about an account. Registration, sign-ins and profile edits are facts
// better-auth records in Postgres; they reach the log through the outbox, not through here.
import { create } from '@bufbuild/protobuf';
import { MemberErasedSchema } from '../../contracts/gen/hearth/common/v1/personal_pb.ts';
import {
  type IdentityEvent,
  IdentityEventSchema,
  RoleChangedSchema,
  SessionRevokedSchema,
  UserBannedSchema,
  UserUnbannedSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { identityErrors } from './errors.ts';
import { isRole } from './roles.ts';
import { type Account, evolveAccount, type IdentityEventBody, initialAccount, isBanned } from './state.ts';

type By = { actorId: string; now: Date };

/** How far ahead of the server's clock a request's time may be (an admin's device clock). */
const ERASURE_CLOCK_SLACK_MS = 24 * 60 * 60 * 1000;
export type AccountCommand =
  | ({ type: 'changeRole'; userId: string; role: string } & By)
  | ({ type: 'ban'; userId: string; reason: string; expiresAt?: Date | undefined } & By)
  | ({ type: 'unban'; userId: string } & By)
  | ({ type: 'erase'; userId: string; requestedBy: string; requestedAtMs: number; otherAdmins: number } & By);

export function decideAccount(command: AccountCommand, state: Account): IdentityEventBody[] {
  // An erased member stays erased: nothing more is decided about them, a second erasure included.
  if (state.status === 'erased') throw identityErrors.memberErased();
  if (state.status !== 'registered') throw identityErrors.userNotFound();
  switch (command.type) {
    case 'changeRole':
      return changeRole(command, state);
    case 'ban':
      return ban(command, state);
    case 'unban':
      return unban(command, state);
    case 'erase':
      return erase(command, state);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

type Registered = Extract<Account, { status: 'registered' }>;

function changeRole(command: Extract<AccountCommand, { type: 'changeRole' }>, state: Registered) {
  if (!isRole(command.role)) throw identityErrors.unknownRole();
  if (command.actorId === state.userId) throw identityErrors.cannotChangeOwnRole();
  if (command.role === state.role) return [];
  const value = create(RoleChangedSchema, {
    userId: state.userId,
    fromRole: state.role,
    toRole: command.role,
  });
  return [{ case: 'roleChanged', value } as const];
}

function ban(command: Extract<AccountCommand, { type: 'ban' }>, state: Registered) {
  if (command.actorId === state.userId) throw identityErrors.cannotBanSelf();
  const now = command.now.getTime();
  if (isBanned(state, now)) throw identityErrors.alreadyBanned();
  const expiresAtMs = command.expiresAt ? command.expiresAt.getTime() : 0;
  if (command.expiresAt && expiresAtMs <= now) throw identityErrors.banExpiryInPast();
  const value = create(UserBannedSchema, {
    userId: state.userId,
    reason: command.reason,
    expiresAtMs: BigInt(expiresAtMs),
  });
  return [{ case: 'userBanned', value } as const];
}

function unban(command: Extract<AccountCommand, { type: 'unban' }>, state: Registered) {
  if (!isBanned(state, command.now.getTime())) throw identityErrors.notBanned();
  return [{ case: 'userUnbanned', value: create(UserUnbannedSchema, { userId: state.userId }) } as const];
}

/**
 * A member's erasure on request (crypto-shredding: the member_erasure reactor destroys their
 * key and their sign-in data). `otherAdmins` is how many admins other than this member the
 * family has, as the edge counted them: the last admin is never erased.
 */
function erase(command: Extract<AccountCommand, { type: 'erase' }>, state: Registered) {
  if (command.actorId === state.userId) throw identityErrors.cannotEraseSelf();
  if (state.role === 'admin' && command.otherAdmins < 1) throw identityErrors.lastAdmin();
  // A day of slack: the admin's device names the day the request came, by its own clock.
  if (command.requestedAtMs > command.now.getTime() + ERASURE_CLOCK_SLACK_MS)
    throw identityErrors.erasureRequestInFuture();
  const value = create(MemberErasedSchema, {
    memberId: state.userId,
    requestedBy: command.requestedBy,
    requestedAtMs: BigInt(command.requestedAtMs),
  });
  return [{ case: 'memberErased', value } as const];
}

export const accountAggregate: AggregateType<Account, AccountCommand, IdentityEvent> = {
  domain: 'identity',
  envelope: IdentityEventSchema,
  subject: (names, userId) => names.identity.account(userId),
  decider: { initialState: initialAccount, evolve: evolveAccount, decide: decideAccount },
  concurrency: 'optimistic',
  snapshot: true,
};

export type SessionCommand = { type: 'revokeSession'; userId: string; sessionId: string; reason: string };

/** Session facts only accumulate: revoking needs no state, so no concurrency check either. */
export const sessionsAggregate: AggregateType<null, SessionCommand, IdentityEvent> = {
  domain: 'identity',
  envelope: IdentityEventSchema,
  subject: (names, userId) => names.identity.sessions(userId),
  decider: {
    initialState: null,
    evolve: (state) => state,
    decide: (command) => [
      {
        case: 'sessionRevoked',
        value: create(SessionRevokedSchema, {
          userId: command.userId,
          sessionId: command.sessionId,
          reason: command.reason,
        }),
      },
    ],
  },
  concurrency: 'none',
};
