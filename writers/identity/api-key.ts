// One integrator's API key: issued with its scopes, expiry and the hash of its secret, then
// perhaps revoked. Its own small aggregate: a revoke reads whether it exists. The key is
// "hk_<id>_<secret>", the secret 32 random bytes, so SHA-256 is enough to keep of it.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import {
  ApiKeyIssuedSchema,
  ApiKeyRevokedSchema,
  type IdentityEvent,
  IdentityEventSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { isScope, KEY_PREFIX, type Scope } from '../../contracts/integrators.api.ts';
import type { AggregateType } from '../log/append.ts';
import { identityErrors } from './errors.ts';
import type { IdentityEventBody } from './state.ts';

export const MAX_KEY_DAYS = 730;
const DAY_MS = 86_400_000;

export type IssuedKey = {
  status: 'issued';
  keyId: string;
  name: string;
  scopes: Scope[];
  expiresAtMs: number;
  secretHash: Uint8Array;
  revoked: boolean;
};
export type ApiKey = { status: 'none' } | IssuedKey;
export const initialApiKey: ApiKey = { status: 'none' };

export type ApiKeyCommand =
  | {
      type: 'issueKey';
      keyId: string;
      name: string;
      scopes: string[];
      expiresAt: Date;
      secretHash: Uint8Array;
      actorId: string;
      now: Date;
    }
  | { type: 'revokeKey'; keyId: string; actorId: string };

export function evolveApiKey(state: ApiKey, event: IdentityEventBody): ApiKey {
  if (event.case === 'apiKeyIssued') {
    const v = event.value;
    return {
      status: 'issued',
      keyId: v.keyId,
      name: v.name,
      scopes: v.scopes.filter(isScope),
      expiresAtMs: Number(v.expiresAtMs),
      secretHash: v.secretHash,
      revoked: false,
    };
  }
  if (event.case === 'apiKeyRevoked' && state.status === 'issued') return { ...state, revoked: true };
  return state;
}

export function decideApiKey(command: ApiKeyCommand, state: ApiKey): IdentityEventBody[] {
  switch (command.type) {
    case 'issueKey': {
      if (state.status === 'issued') throw identityErrors.apiKeyIdTaken();
      const expiresAtMs = command.expiresAt.getTime();
      const now = command.now.getTime();
      if (!(expiresAtMs > now && expiresAtMs <= now + MAX_KEY_DAYS * DAY_MS))
        throw identityErrors.apiKeyExpiryOutOfRange();
      if (command.scopes.length === 0 || !command.scopes.every(isScope)) throw identityErrors.apiKeyScopes();
      const value = create(ApiKeyIssuedSchema, {
        keyId: command.keyId,
        name: command.name,
        scopes: [...new Set(command.scopes)],
        expiresAtMs: BigInt(expiresAtMs),
        secretHash: command.secretHash,
        issuedBy: command.actorId,
      });
      return [{ case: 'apiKeyIssued', value }];
    }
    case 'revokeKey': {
      if (state.status === 'none') throw identityErrors.apiKeyNotFound();
      if (state.revoked) return [];
      const value = create(ApiKeyRevokedSchema, { keyId: state.keyId, revokedBy: command.actorId });
      return [{ case: 'apiKeyRevoked', value }];
    }
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

export const apiKeyAggregate: AggregateType<ApiKey, ApiKeyCommand, IdentityEvent> = {
  domain: 'identity',
  envelope: IdentityEventSchema,
  subject: (names, keyId) => names.identity.apiKey(keyId),
  decider: { initialState: initialApiKey, evolve: evolveApiKey, decide: decideApiKey },
  concurrency: 'optimistic',
  expectsNew: (command) => command.type === 'issueKey',
};

const KEY = /^hk_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

/** A new key: its id (public, in the log), its secret's hash, and the whole key (shown once). */
export function newApiKey(): { keyId: string; secretHash: Uint8Array; key: string } {
  const keyId = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secretHash: hashSecret(secret), key: `${KEY_PREFIX}${keyId}_${secret}` };
}

/** The key's id and secret, or undefined for anything not shaped like a key. */
export function parseApiKey(key: string): { keyId: string; secret: string } | undefined {
  const m = KEY.exec(key);
  return m?.[1] && m[2] ? { keyId: m[1], secret: m[2] } : undefined;
}

function hashSecret(secret: string): Uint8Array {
  return createHash('sha256').update(secret).digest();
}

/** True when the secret is the key's (constant time). */
export function secretMatches(state: IssuedKey, secret: string): boolean {
  const given = hashSecret(secret);
  return given.length === state.secretHash.length && timingSafeEqual(given, state.secretHash);
}

/** Why the key authenticates nothing at `now`, or undefined when it does. */
export function keyRefusal(state: ApiKey, nowMs: number): 'unknown' | 'revoked' | 'expired' | undefined {
  if (state.status === 'none') return 'unknown';
  if (state.revoked) return 'revoked';
  if (state.expiresAtMs <= nowMs) return 'expired';
  return undefined;
}
