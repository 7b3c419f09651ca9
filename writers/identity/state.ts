// The account aggregate: only what decisions about a user read (role and ban).

import type { EventOf } from '../../contracts/events.ts';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';

export type IdentityEventBody = EventOf<IdentityEvent>;

export type Account =
  | { status: 'unknown' }
  | {
      status: 'registered';
      userId: string;
      role: string;
      /** Unix ms; 0 means banned until unbanned. Absent when not banned. */
      bannedUntilMs?: number;
    };

export const initialAccount: Account = { status: 'unknown' };

export function evolveAccount(state: Account, event: IdentityEventBody): Account {
  switch (event.case) {
    case 'userRegistered':
      return { status: 'registered', userId: event.value.userId, role: event.value.role };
    case 'roleChanged':
      return state.status === 'registered' ? { ...state, role: event.value.toRole } : state;
    case 'userBanned':
      return state.status === 'registered'
        ? { ...state, bannedUntilMs: Number(event.value.expiresAtMs) }
        : state;
    case 'userUnbanned': {
      if (state.status !== 'registered') return state;
      const { bannedUntilMs: _, ...rest } = state;
      return rest;
    }
    case 'profileUpdated':
    case 'passwordChanged':
    case 'signedIn':
    case 'signInFailed':
    case 'signedOut':
    case 'sessionRevoked':
    case 'inviteCreated':
    case 'inviteUsed':
    case 'inviteRevoked':
    case 'familyNamed':
    case 'signUpPolicySet':
      return state;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

export function isBanned(state: Account, nowMs: number): boolean {
  if (state.status !== 'registered' || state.bannedUntilMs === undefined) return false;
  return state.bannedUntilMs === 0 || state.bannedUntilMs > nowMs;
}
