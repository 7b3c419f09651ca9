// compose.yaml's profiles, read without a Docker engine: `core` runs nats, postgres and the hub;
// `full` adds clamav, prometheus, grafana and ollama. Every service has a healthcheck and waits
// for what it needs to be healthy, and what it mounts from deploy/ exists.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Service = {
  profiles?: string[];
  image?: string;
  build?: unknown;
  volumes?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string; required?: boolean }>;
};
type Compose = {
  services: Record<string, Service>;
  secrets?: Record<string, { environment?: string; file?: string }>;
  volumes?: Record<string, unknown>;
};

const compose = parse(await readFile('compose.yaml', 'utf8')) as Compose;
const prometheus = parse(await readFile('deploy/prometheus/prometheus.yml', 'utf8')) as {
  rule_files: string[];
  scrape_configs: {
    job_name: string;
    authorization?: { credentials_file: string };
    static_configs: { targets: string[] }[];
  }[];
};
const datasources = parse(
  await readFile('deploy/grafana/provisioning/datasources/prometheus.yaml', 'utf8'),
) as {
  datasources: { uid: string; url: string }[];
};

const CORE = ['hub', 'nats', 'postgres'];
const FULL = [...CORE, 'clamav', 'grafana', 'ollama', 'prometheus'];

/** The services `docker compose --profile <p> up` starts: those of the profile and those with none. */
const inProfile = (profile: string) =>
  Object.entries(compose.services)
    .filter(([, s]) => !s.profiles || s.profiles.includes(profile))
    .map(([name]) => name)
    .sort();

describe('compose.yaml profiles', () => {
  it('runs nats, postgres and the hub in core, and adds clamav, prometheus, grafana and ollama in full', () => {
    expect(inProfile('core')).toEqual(CORE.sort());
    expect(inProfile('full')).toEqual(FULL.sort());
  });

  it('points the hub’s assistant at no model server unless OLLAMA_URL says (core has no ollama)', () => {
    expect(compose.services.hub?.environment?.OLLAMA_URL).toMatch(/^\$\{OLLAMA_URL:-\}$/);
  });

  it('health-checks every service (the hub in its image too)', () => {
    for (const [name, s] of Object.entries(compose.services))
      expect([s.healthcheck?.test].flat().join(' ').length, name).toBeGreaterThan(0);
  });

  it('starts each service once what it needs is healthy, in every profile it belongs to', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [dep, how] of Object.entries(s.depends_on ?? {})) {
        expect(compose.services[dep], `${name} → ${dep}`).toBeDefined();
        if (name === 'hub' && dep === 'clamav') {
          // The one exception, on purpose: the hub serves (uploads refused, and said so) while
          // clamd fetches its signatures, and core has no clamav at all.
          expect(how).toEqual({ condition: 'service_started', required: false });
          continue;
        }
        expect(how.condition, `${name} → ${dep}`).toBe('service_healthy');
        for (const profile of s.profiles ?? [])
          expect(inProfile(profile), `${dep} in ${profile}`).toContain(dep);
      }
    }
  });

  it('mounts only files and folders that exist in deploy/, and declares every named volume', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const volume of s.volumes ?? []) {
        const [source = ''] = volume.split(':');
        if (source.startsWith('./')) expect(existsSync(source), `${name}: ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes ?? {}), `${name}: ${source}`).toContain(source);
      }
    }
  });

  it('has Prometheus scrape the hub with the operations token and load the alert rules', () => {
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'hearth');
    expect(job?.static_configs[0]?.targets).toEqual(['hub:3000']);
    expect(job?.authorization?.credentials_file).toBe('/run/secrets/ops_token');
    expect(compose.services.prometheus?.secrets).toContain('ops_token');
    expect(compose.secrets?.ops_token).toEqual({ environment: 'HEARTH_OPS_TOKEN' });
    expect(prometheus.rule_files).toEqual(['alerts.yaml']);
    expect(compose.services.prometheus?.volumes).toContain(
      './deploy/prometheus/alerts.yaml:/etc/prometheus/alerts.yaml:ro',
    );
  });

  it('points Grafana at the prometheus service, under the uid the dashboards name', () => {
    expect(datasources.datasources[0]).toMatchObject({ uid: 'prometheus', url: 'http://prometheus:9090' });
  });
});
