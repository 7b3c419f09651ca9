import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadSettings } from './config.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadSettings(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('scale-out settings', () => {
  it('takes a role and the streams’ replica count, and refuses what is neither', () => {
    expect(loadSettings({ HEARTH_ROLE: 'edge', HEARTH_STREAM_REPLICAS: '3' })).toMatchObject({
      role: 'edge',
      streamReplicas: 3,
    });
    expect(loadSettings({ HEARTH_ROLE: 'projectors' }).role).toBe('projectors');
    expect(problemsOf({ HEARTH_ROLE: 'leader', HEARTH_STREAM_REPLICAS: '0' })).toEqual([
      'HEARTH_ROLE must be all, edge or projectors (got "leader")',
      'HEARTH_STREAM_REPLICAS must be 1 to 5 (got "0")',
    ]);
  });
});

describe('an environment that sets nothing', () => {
  it('gets the defaults the README lists', () => {
    const settings = loadSettings({});
    expect(settings).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      logLevel: undefined,
      shutdown: { graceMs: 30_000, delayMs: 0 },
      namespace: '',
      role: 'all',
      streamReplicas: 1,
      hub: {
        publicUrl: 'http://localhost:3000',
        trustedOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
        commandRateLimit: { limit: 120, windowMs: 60_000 },
        trustedProxies: [],
        readyMaxLag: 10_000,
      },
      identity: {
        baseURL: 'http://localhost:3000',
        adminEmail: undefined,
        allowedEmailDomains: [],
        smtpUrl: undefined,
        mailFrom: 'Hearth <hearth@localhost>',
        rateLimit: { enabled: true, window: 60, max: 30 },
      },
      infra: {
        natsUrl: undefined,
        databaseUrl: undefined,
        authSecret: undefined,
        dataDir: '.hearth',
        probeNats: 'nats://127.0.0.1:4222',
        probePostgres: 'postgres://postgres@127.0.0.1:5432/postgres',
        probeClamd: ['unix:/run/clamav/clamd.ctl', 'tcp://127.0.0.1:3310'],
      },
      logKeeper: { intervalMs: 3_600_000, marginMs: 30 * 24 * 60 * 60 * 1000 },
    });
  });

  it('takes an empty variable as unset', () => {
    expect(loadSettings({ PORT: '', HEARTH_COMMAND_RATE_LIMIT: '', HEARTH_PUBLIC_URL: '' })).toMatchObject({
      port: 3000,
      hub: { commandRateLimit: { limit: 120 }, publicUrl: 'http://localhost:3000' },
    });
  });
});

describe('an environment that sets values', () => {
  it('reads them in their forms', () => {
    const env = {
      PORT: '8080',
      HOST: '::',
      LOG_LEVEL: 'debug',
      NATS_URL: 'nats://a:4222,nats://b:4222',
      DATABASE_URL: 'postgres://hearth:pw@db:5432/hearth',
      SMTP_URL: 'smtp://user:pass@mail:587',
      HEARTH_PUBLIC_URL: 'https://hearth.example/',
      HEARTH_TRUSTED_ORIGINS: 'http://localhost:5173, https://other.example,',
      HEARTH_TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8,::1, 192.168.1.7',
      HEARTH_ADMIN_EMAIL: 'Boss@Family.Example',
      HEARTH_ALLOWED_EMAIL_DOMAINS: 'Family.Example, grandma.example',
      HEARTH_MAIL_FROM: 'Family <hub@family.example>',
      HEARTH_COMMAND_RATE_LIMIT: '5',
      HEARTH_AUTH_RATE_LIMIT: 'off',
      HEARTH_AUTH_RATE_LIMIT_MAX: '7',
      HEARTH_READY_MAX_LAG: '0',
      HEARTH_SHUTDOWN_GRACE: '45',
      HEARTH_SHUTDOWN_DELAY: '5',
      HEARTH_NAMESPACE: 'staging1',
      HEARTH_DATA_DIR: '/var/lib/hearth',
      BETTER_AUTH_SECRET: 'better',
      PATH: '/usr/bin',
    };
    expect(loadSettings(env)).toMatchObject({
      port: 8080,
      host: '::',
      logLevel: 'debug',
      shutdown: { graceMs: 45_000, delayMs: 5000 },
      namespace: 'staging1',
      hub: {
        publicUrl: 'https://hearth.example',
        trustedOrigins: [
          'https://hearth.example',
          'http://127.0.0.1:8080',
          'http://localhost:5173',
          'https://other.example',
        ],
        commandRateLimit: { limit: 5 },
        trustedProxies: ['10.0.0.0/8', 'fd00::/8', '::1', '192.168.1.7'],
        readyMaxLag: 0,
      },
      identity: {
        adminEmail: 'boss@family.example',
        allowedEmailDomains: ['family.example', 'grandma.example'],
        smtpUrl: 'smtp://user:pass@mail:587',
        mailFrom: 'Family <hub@family.example>',
        rateLimit: { enabled: false, max: 7 },
      },
      infra: {
        natsUrl: 'nats://a:4222,nats://b:4222',
        databaseUrl: 'postgres://hearth:pw@db:5432/hearth',
        authSecret: 'better',
        dataDir: '/var/lib/hearth',
        searchPath: '/usr/bin',
      },
    });
  });

  it('takes an operations token for /ready and /metrics, none by default', () => {
    expect(loadSettings({}).hub.opsToken).toBeUndefined();
    const token = 'f3a9c1d27b8e4f60a5d3c2b1e0f9a8b7';
    expect(loadSettings({ HEARTH_OPS_TOKEN: token }).hub.opsToken).toBe(token);
  });

  it('opens sign-up only when HEARTH_OPEN_SIGNUP says true', () => {
    expect(loadSettings({}).identity.openSignup).toBe(false);
    expect(loadSettings({ HEARTH_OPEN_SIGNUP: 'true' }).identity.openSignup).toBe(true);
    expect(loadSettings({ HEARTH_OPEN_SIGNUP: 'false' }).identity.openSignup).toBe(false);
  });

  it('spends a shutdown delay inside the grace, never beyond it', () => {
    expect(loadSettings({ HEARTH_SHUTDOWN_GRACE: '10', HEARTH_SHUTDOWN_DELAY: '60' }).shutdown).toEqual({
      graceMs: 10_000,
      delayMs: 10_000,
    });
  });

  it('connects to NATS as NATS_USER with NATS_PASSWORD, as no one by default', () => {
    expect(loadSettings({}).infra.natsAuth).toBeUndefined();
    expect(loadSettings({ NATS_USER: 'hub', NATS_PASSWORD: 's3cret' }).infra.natsAuth).toEqual({
      user: 'hub',
      pass: 's3cret',
    });
    expect(() => loadSettings({ NATS_USER: 'two words' })).toThrow('NATS_USER must be a NATS user name');
  });

  it('refuses NATS_USER without NATS_PASSWORD, and the reverse', () => {
    expect(() => loadSettings({ NATS_USER: 'hub' })).toThrow(ConfigError);
    expect(() => loadSettings({ NATS_USER: 'hub' })).toThrow('NATS_USER is set without NATS_PASSWORD');
    expect(() => loadSettings({ NATS_PASSWORD: 's3cret' })).toThrow('NATS_PASSWORD is set without NATS_USER');
  });

  it('prefers HEARTH_AUTH_SECRET to BETTER_AUTH_SECRET', () => {
    expect(loadSettings({ HEARTH_AUTH_SECRET: 'own', BETTER_AUTH_SECRET: 'better' }).infra.authSecret).toBe(
      'own',
    );
  });

  it('ignores variables it does not know, and leaves the environment as it was', () => {
    const env = { PORT: '8080', SOMETHING_ELSE: 'whatever', HEARTH_UNKNOWN: '??' };
    expect(loadSettings(env).port).toBe(8080);
    expect(env).toEqual({ PORT: '8080', SOMETHING_ELSE: 'whatever', HEARTH_UNKNOWN: '??' });
  });
});

describe('a value in the wrong form', () => {
  it('stops a non-numeric command rate limit, which would turn the limit off', () => {
    expect(() => loadSettings({ HEARTH_COMMAND_RATE_LIMIT: 'abc' })).toThrow(
      'HEARTH_COMMAND_RATE_LIMIT must be a whole number ≥ 1 (got "abc")',
    );
  });

  it('stops a non-numeric ready lag, with which /ready would never fail on lag', () => {
    expect(() => loadSettings({ HEARTH_READY_MAX_LAG: 'lots' })).toThrow(
      'HEARTH_READY_MAX_LAG must be a whole number ≥ 0 (got "lots")',
    );
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', 'http'],
    ['HOST', 'not a host!'],
    ['LOG_LEVEL', 'loud'],
    ['NATS_URL', 'nats://a:4222, nats://b:4222'],
    ['DATABASE_URL', 'mysql://db/hearth'],
    ['SMTP_URL', 'mail.example:587'],
    ['HEARTH_PUBLIC_URL', 'hearth.example'],
    ['HEARTH_TRUSTED_ORIGINS', 'https://ok.example,ftp://files.example'],
    ['HEARTH_TRUSTED_PROXIES', '10.0.0.0/33'],
    ['HEARTH_TRUSTED_PROXIES', 'proxy.example'],
    ['HEARTH_TRUSTED_PROXIES', 'loopback'],
    ['HEARTH_ADMIN_EMAIL', 'boss'],
    ['HEARTH_ALLOWED_EMAIL_DOMAINS', '@family.example'],
    ['HEARTH_OPEN_SIGNUP', 'yes'],
    ['HEARTH_MAIL_FROM', 'Hearth'],
    ['HEARTH_COMMAND_RATE_LIMIT', '0'],
    ['HEARTH_COMMAND_RATE_LIMIT', '1.5'],
    ['HEARTH_AUTH_RATE_LIMIT', 'maybe'],
    ['HEARTH_AUTH_RATE_LIMIT_MAX', '-1'],
    ['HEARTH_READY_MAX_LAG', '-5'],
    ['HEARTH_SHUTDOWN_GRACE', '0'],
    ['HEARTH_SHUTDOWN_GRACE', '30s'],
    ['HEARTH_SHUTDOWN_DELAY', '-1'],
    ['HEARTH_OPS_TOKEN', 'short'],
    ['HEARTH_OPS_TOKEN', 'has spaces in it, sixteen+'],
    ['HEARTH_NAMESPACE', 'Prod'],
    ['HEARTH_PROBE_NATS', 'nats://a b'],
    ['HEARTH_PROBE_POSTGRES', 'localhost'],
  ])('stops %s=%s, naming the variable and the form it expects', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} must be \\S`));
  });

  it('names every variable that is wrong at once', () => {
    expect(problemsOf({ PORT: 'x', HEARTH_COMMAND_RATE_LIMIT: 'abc', HEARTH_READY_MAX_LAG: 'lots' })).toEqual(
      [
        'PORT must be a port number (0–65535) (got "x")',
        'HEARTH_COMMAND_RATE_LIMIT must be a whole number ≥ 1 (got "abc")',
        'HEARTH_READY_MAX_LAG must be a whole number ≥ 0 (got "lots")',
      ],
    );
  });

  it('does not repeat a value that may hold a password', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/hearth' });
    expect(problem).toBe('DATABASE_URL must be a postgres:// connection URL');
    expect(problemsOf({ HEARTH_OPS_TOKEN: 'hunter2' })[0]).not.toContain('hunter2');
    expect(problemsOf({ HEARTH_PROBE_POSTGRES: 'mysql://root:hunter2@db' })[0]).not.toContain('hunter2');
  });
});

describe('starting with a bad value', () => {
  const run = promisify(execFile);
  const root = fileURLToPath(new URL('..', import.meta.url));
  const env = { ...process.env, HEARTH_COMMAND_RATE_LIMIT: 'abc', HEARTH_DATA_DIR: '/nonexistent/hearth' };

  it('stops npm start before anything is started, saying why', async () => {
    const start = run(process.execPath, ['--import', 'tsx', 'edge/main.ts'], { cwd: root, env });
    await expect(start).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'Hearth could not start: HEARTH_COMMAND_RATE_LIMIT must be a whole number ≥ 1',
      ),
    });
  });

  it('stops the CLI the same way', async () => {
    const cli = run(process.execPath, ['bin/hearth.mjs', 'streams'], { cwd: root, env });
    await expect(cli).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        // The inspection commands name themselves in what they say (edge/cli.ts).
        'hearth streams: HEARTH_COMMAND_RATE_LIMIT must be a whole number ≥ 1 (got "abc")',
      ),
    });
  });
});
