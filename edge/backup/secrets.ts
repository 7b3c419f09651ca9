// The secrets manifest: which secrets this hub needs, where each comes from, and a fingerprint
// to tell at restore whether the one at hand is the same, never the value itself (a backup
// travels to places a secret should not). `--include-secrets` is the one way to copy values.
import { createHash } from 'node:crypto';
import type { InfraSettings } from '../boot/infra.ts';

export type SecretEntry = {
  name: string;
  /** What it guards, and what is lost without it. */
  purpose: string;
  /** The variable that sets it, or the data dir's secrets.json key it is kept under. */
  source: string;
  present: boolean;
  /** sha256 of the value, first 16 hex digits: enough to compare, useless to guess from. */
  fingerprint: string | undefined;
};

/** What the manifest reads of the hub's settings (edge/config.ts's Settings has it all). */
export type SecretSettings = {
  infra: Pick<InfraSettings, 'dataDir' | 'authSecret' | 'auditSigningKey' | 'natsAuth'>;
  hub: { opsToken?: string | undefined };
  identity: { smtpUrl?: string | undefined };
};

export const fingerprint = (value: string | undefined): string | undefined =>
  value ? createHash('sha256').update(value).digest('hex').slice(0, 16) : undefined;

export function secretsManifest({
  settings,
  authSecret,
  auditSigningKey,
}: {
  settings: SecretSettings;
  /** As resolved (the variable, else secrets.json). */
  authSecret: string | undefined;
  auditSigningKey: string | undefined;
}): SecretEntry[] {
  const kept = (variable: string, given: string | undefined, key: string) =>
    given ? variable : `${settings.infra.dataDir}/secrets.json (${key})`;
  const entry = (name: string, purpose: string, source: string, value: string | undefined): SecretEntry => ({
    name,
    purpose,
    source,
    present: Boolean(value),
    fingerprint: fingerprint(value),
  });
  return [
    entry(
      'authSecret',
      'signs sessions and auth tokens; without it every session and pending reset is void',
      kept('HEARTH_AUTH_SECRET', settings.infra.authSecret, 'authSecret'),
      authSecret,
    ),
    entry(
      'auditSigningKey',
      "signs the audit chain's checkpoints; without it old checkpoints verify only with its public key",
      kept('HEARTH_AUDIT_SIGNING_KEY', settings.infra.auditSigningKey, 'auditSigningKey'),
      auditSigningKey,
    ),
    entry('opsToken', 'guards /metrics and the ops routes', 'HEARTH_OPS_TOKEN', settings.hub.opsToken),
    entry('natsPassword', "the hub's NATS user", 'NATS_PASSWORD', settings.infra.natsAuth?.pass),
    entry('smtpUrl', 'sends mail (it may hold a password)', 'SMTP_URL', settings.identity.smtpUrl),
  ];
}
