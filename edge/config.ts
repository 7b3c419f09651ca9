// Everything the hub reads from its environment, in one place (the README lists it).

import type { HubConfig } from './http/deps.ts';
import type { IdentityConfig } from './identity/index.ts';

export type HubSettings = {
  port: number;
  /** Isolates streams, subjects and buckets on a shared NATS server ('' in production). */
  namespace: string;
  hub: HubConfig;
  identity: Omit<IdentityConfig, 'secret'>;
};

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function loadSettings(env: NodeJS.ProcessEnv = process.env): HubSettings {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${env.PORT}`);
  const publicUrl = (env.HEARTH_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const trustedOrigins = [
    ...new Set([publicUrl, `http://127.0.0.1:${port}`, ...list(env.HEARTH_TRUSTED_ORIGINS)]),
  ];
  return {
    port,
    namespace: env.HEARTH_NAMESPACE ?? '',
    hub: {
      publicUrl,
      trustedOrigins,
      commandRateLimit: { limit: Number(env.HEARTH_COMMAND_RATE_LIMIT ?? 120), windowMs: 60_000 },
      bodyLimitBytes: 64 * 1024,
      trustedProxies: list(env.HEARTH_TRUSTED_PROXIES),
      readyMaxLag: Number(env.HEARTH_READY_MAX_LAG ?? 10_000),
    },
    identity: {
      baseURL: publicUrl,
      trustedOrigins,
      adminEmail: env.HEARTH_ADMIN_EMAIL?.toLowerCase(),
      allowedEmailDomains: list(env.HEARTH_ALLOWED_EMAIL_DOMAINS).map((d) => d.toLowerCase()),
      smtpUrl: env.SMTP_URL,
      mailFrom: env.HEARTH_MAIL_FROM ?? 'Hearth <hearth@localhost>',
      trustedProxies: list(env.HEARTH_TRUSTED_PROXIES),
      rateLimit: {
        enabled: env.HEARTH_AUTH_RATE_LIMIT !== 'off',
        window: 60,
        max: Number(env.HEARTH_AUTH_RATE_LIMIT_MAX ?? 30),
      },
    },
  };
}
