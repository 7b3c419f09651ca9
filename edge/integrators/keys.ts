// Authenticating an integrator's API key: "Authorization: Bearer hk_<id>_<secret>". The key is
// read from the log (folded, never from a cache another edge's revoke could leave stale), its
// secret compared in constant time with the hash the log keeps.
import type { Scope } from '../../contracts/integrators.api.ts';
import { apiKeyAggregate, keyRefusal, parseApiKey, secretMatches } from '../../writers/identity/api-key.ts';
import { foldAggregate } from '../../writers/log/fold.ts';
import type { Log } from '../../writers/log/open.ts';
import { integratorErrors } from './errors.ts';

export type KeyHolder = { keyId: string; scopes: ReadonlySet<Scope>; expiresAtMs: number };

/** The key id named by the header, if it is shaped like a key (for auditing refusals). */
export function keyIdOf(authorization: string | undefined): string | undefined {
  const m = /^Bearer (\S+)$/.exec(authorization ?? '');
  return m?.[1] ? parseApiKey(m[1])?.keyId : undefined;
}

export async function authenticateKey({
  log,
  authorization,
  now = Date.now(),
}: {
  log: Log;
  authorization: string | undefined;
  now?: number;
}): Promise<KeyHolder> {
  const m = /^Bearer (\S+)$/.exec(authorization ?? '');
  if (!m?.[1]) throw integratorErrors.keyRequired();
  const parsed = parseApiKey(m[1]);
  if (!parsed) throw integratorErrors.keyInvalid();
  const { state } = await foldAggregate({
    log,
    type: apiKeyAggregate,
    subject: log.names.identity.apiKey(parsed.keyId),
  });
  if (state.status !== 'issued' || !secretMatches(state, parsed.secret) || keyRefusal(state, now))
    throw integratorErrors.keyInvalid();
  return { keyId: state.keyId, scopes: new Set(state.scopes), expiresAtMs: state.expiresAtMs };
}
