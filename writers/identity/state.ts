// The account aggregate: only what decisions about a user read (role, ban, erasure).

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
    }
  /** Their personal data was erased on request: nothing more is decided about them. */
  | { status: 'erased'; userId: string; role: string };

export const initialAccount: Account = { status: 'unknown' };

export function evolveAccount(state: Account, event: IdentityEventBody): Account {
  switch (event.case) {
    case 'userRegistered':
      // Never again after an erasure: a fact about them that reached the log late changes nothing.
      if (state.status === 'erased') return state;
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
    case 'apiKeyIssued':
    case 'apiKeyRevoked':
    case 'webhookRegistered':
    case 'webhookChanged':
    case 'webhookRemoved':
      return state;
    case 'memberErased':
      return {
        status: 'erased',
        userId: event.value.memberId,
        role: state.status === 'unknown' ? '' : state.role,
      };
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
