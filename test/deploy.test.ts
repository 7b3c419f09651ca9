// The deployment wiring, checked without a Docker engine: compose.yaml and the Dockerfile must
// agree on names, ports and health, or `docker compose up` fails only on someone's server.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Service = {
  image?: string;
  command?: string[] | string;
  build?: { context: string; dockerfile: string };
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string; required?: boolean }>;
};

const compose = parse(await readFile('compose.yaml', 'utf8')) as { services: Record<string, Service> };
const dockerfile = await readFile('deploy/Dockerfile', 'utf8');
const natsConf = await readFile('deploy/nats/nats.conf', 'utf8');

function service(name: string): Service {
  const s = compose.services[name];
  if (!s) throw new Error(`compose.yaml has no service ${name}`);
  return s;
}

/** What compose makes of `${VAR:-default}` and `${VAR:?message}` with VAR unset (or set). */
function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, rest?: string) => {
    const set = env[name];
    if (set !== undefined) return set;
    if (op === '-') return rest ?? '';
    throw new Error(`${name} is required: ${rest}`);
  });
}

function env(name: string): string {
  const value = service('hub').environment?.[name];
  if (value === undefined) throw new Error(`hub has no ${name}`);
  return interpolate(value, { HEARTH_AUTH_SECRET: 'test' });
}

/** Dockerfile instructions, with continuation lines joined. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

describe('compose.yaml', () => {
  it('builds the hub from deploy/Dockerfile', () => {
    expect(service('hub').build).toMatchObject({ context: '.', dockerfile: 'deploy/Dockerfile' });
  });

  it('points the hub at the nats and postgres services by name', () => {
    expect(new URL(env('NATS_URL')).hostname).toBe('nats');
    const db = new URL(env('DATABASE_URL'));
    expect(db.hostname).toBe('postgres');
    expect(db.pathname).toBe('/hearth');
    expect(service('postgres').environment?.POSTGRES_DB).toBe('hearth');
    const user = service('postgres').environment?.POSTGRES_USER ?? 'postgres';
    expect(db.username).toBe(user);
    const password = service('postgres').environment?.POSTGRES_PASSWORD ?? '';
    expect(db.password).toBe(interpolate(password));
  });

  it('refuses to start without an auth secret rather than using a known one', () => {
    expect(() => env('HEARTH_AUTH_SECRET')).not.toThrow();
    const raw = service('hub').environment?.HEARTH_AUTH_SECRET ?? '';
    expect(() => interpolate(raw)).toThrow(/HEARTH_AUTH_SECRET/);
  });

  it('refuses to start without an audit signing key rather than making one per container', () => {
    const raw = service('hub').environment?.HEARTH_AUDIT_SIGNING_KEY ?? '';
    expect(() => interpolate(raw)).toThrow(/HEARTH_AUDIT_SIGNING_KEY/);
    expect(interpolate(raw, { HEARTH_AUDIT_SIGNING_KEY: 'a-key' })).toBe('a-key');
  });

  it('runs NATS 2.11 or newer with JetStream on, from the mounted deploy/nats/nats.conf', () => {
    const nats = service('nats');
    const [major = 0, minor = 0] = (nats.image?.match(/^nats:(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
    expect(major).toBe(2);
    expect(minor).toBeGreaterThanOrEqual(11);
    expect(nats.volumes).toContain('./deploy/nats/nats.conf:/etc/nats/nats.conf:ro');
    expect([nats.command].flat().join(' ')).toContain('/etc/nats/nats.conf');
    expect(natsConf).toMatch(/^jetstream\s*\{[^}]*store_dir:\s*\/data/m);
    expect(natsConf).toMatch(/^http_port:\s*8222/m);
    expect(nats.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
  });

  it('connects the hub to NATS as nats.conf’s hub user, with the password the nats service has', () => {
    expect(natsConf).toMatch(/\{ user: hub, password: \$NATS_HUB_PASSWORD \}/);
    expect(natsConf).toMatch(/user: integrator\s+password: \$NATS_INTEGRATOR_PASSWORD/);
    const given = { NATS_HUB_PASSWORD: 'p', NATS_INTEGRATOR_PASSWORD: 'i' };
    const nats = service('nats').environment ?? {};
    expect(env('NATS_USER')).toBe('hub');
    const hubPassword = service('hub').environment?.NATS_PASSWORD ?? '';
    expect(interpolate(hubPassword, given)).toBe(interpolate(nats.NATS_HUB_PASSWORD ?? '', given));
    expect(() => interpolate(hubPassword)).toThrow(/NATS_HUB_PASSWORD/);
    expect(() => interpolate(nats.NATS_INTEGRATOR_PASSWORD ?? '')).toThrow(/NATS_INTEGRATOR_PASSWORD/);
    expect(interpolate(nats.NATS_INTEGRATOR_PASSWORD ?? '', given)).toBe('i');
  });

  it('runs Postgres 16', () => {
    expect(service('postgres').image).toMatch(/^postgres:16(\.|-|$)/);
  });

  it('health-checks all three services', () => {
    for (const name of ['nats', 'postgres', 'hub']) {
      const check = name === 'hub' ? dockerfile.match(/^HEALTHCHECK\s/m) : service(name).healthcheck?.test;
      expect(check, name).toBeTruthy();
    }
    expect([service('nats').healthcheck?.test].flat().join(' ')).toContain(':8222/healthz');
    expect([service('postgres').healthcheck?.test].flat().join(' ')).toContain('pg_isready');
  });

  it('passes an operations token through for /ready and /metrics, unset by default', () => {
    expect(env('HEARTH_OPS_TOKEN')).toBe('');
    const raw = service('hub').environment?.HEARTH_OPS_TOKEN ?? '';
    expect(interpolate(raw, { HEARTH_OPS_TOKEN: 'a-token-for-prometheus' })).toBe('a-token-for-prometheus');
  });

  it('starts the hub once nats and postgres are healthy, and clamav started', () => {
    expect(service('hub').depends_on).toEqual({
      nats: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
      clamav: { condition: 'service_started', required: false },
    });
  });

  it('scans uploads with the clamav service over TCP, keeping its signatures in a volume', () => {
    const url = new URL(env('CLAMD_URL'));
    expect(url.protocol).toBe('tcp:');
    expect(url.hostname).toBe('clamav');
    expect(url.port).toBe('3310');
    expect(service('clamav').image).toMatch(/^clamav\/clamav:/);
    expect(service('clamav').volumes?.some((v) => v.endsWith(':/var/lib/clamav'))).toBe(true);
    expect([service('clamav').healthcheck?.test].flat().join(' ')).toContain('clamdcheck');
    expect(env('MEDIA_STORE')).toBe('nats');
  });
});

describe('deploy/Dockerfile', () => {
  const all = instructions(dockerfile);
  const lastFrom = all.map((i) => i.op).lastIndexOf('FROM');
  const final = all.slice(lastFrom);

  it('builds in at least two stages', () => {
    expect(all.filter((i) => i.op === 'FROM').length).toBeGreaterThanOrEqual(2);
  });

  it('has ffmpeg in the final stage, for video posters and stripping a video’s location', () => {
    expect(final.some((i) => i.op === 'RUN' && /apt-get install[^&]*\bffmpeg\b/.test(i.args))).toBe(true);
  });

  it('runs the final stage as a non-root user', () => {
    const user = final.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it('health-checks /health over the port it exposes, which compose maps and PORT names', () => {
    const expose = final.find((i) => i.op === 'EXPOSE')?.args;
    const check = final.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    expect(check).toContain(`127.0.0.1:${expose}/health`);
    expect(env('PORT')).toBe(expose);
    const [hostPort, containerPort] = (service('hub').ports?.[0] ?? '').split(':');
    expect(containerPort).toBe(expose);
    expect(hostPort).toBe(expose);
  });

  it('starts the hub compiled ahead of time, with node, in production mode', () => {
    expect(final.some((i) => i.op === 'ENV' && /NODE_ENV=production/.test(i.args))).toBe(true);
    expect(final.find((i) => i.op === 'CMD')?.args).toBe('["node", "dist/edge/main.js"]');
    expect(all.some((i) => i.op === 'RUN' && /npm run build:server/.test(i.args))).toBe(true);
  });

  it('copies into the final stage the build and production dependencies only, no sources', () => {
    const copies = final.filter((i) => i.op === 'COPY').map((i) => i.args);
    const stageOf = (name: string) => {
      const from = all.findIndex((i) => i.op === 'FROM' && new RegExp(`\\sAS\\s+${name}$`, 'i').test(i.args));
      const next = all.findIndex((i, at) => at > from && i.op === 'FROM');
      return all.slice(from, next < 0 ? undefined : next);
    };
    const modules = copies.find((c) => / \.\/node_modules$/.test(c))?.match(/--from=(\S+)/)?.[1] ?? '';
    expect(stageOf(modules).some((i) => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args))).toBe(true);
    const targets = copies.map((c) => c.split(/\s+/).at(-1));
    expect(targets.sort()).toEqual(['./', './bin/hearth.mjs', './dist', './node_modules']);
    expect(copies.find((c) => c.endsWith(' ./'))).toMatch(/\/app\/package\.json \.\/$/);
  });
});
