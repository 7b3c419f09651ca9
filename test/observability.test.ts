// The alert rules and the Grafana dashboard read only what exists: every metric an expression
// names is one a real hub declares on /metrics, or one of the external exporters the rules
// file documents. Where Debian's promtool is installed, it checks the rules and runs their
// unit tests (deploy/prometheus/alerts.test.yaml) and checks the Prometheus config.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestHub, type TestHub } from './hub.ts';
import { declaredNames, metricNamesIn } from './metrics-text.ts';

const run = promisify(execFile);
const PROMTOOL = '/usr/bin/promtool';

type Rule = { alert: string; expr: string; for?: string; labels?: Record<string, string> };
const rulesText = await readFile('deploy/prometheus/alerts.yaml', 'utf8');
const rules = (parse(rulesText) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);
type Panel = { title: string; targets?: { expr: string }[] };
const dashboard = JSON.parse(await readFile('deploy/grafana/dashboards/hearth.json', 'utf8')) as {
  uid: string;
  panels: Panel[];
  templating: { list: { query: string }[] };
};

/** Metrics of other exporters the rules may read; the rules file's header names each. */
const EXTERNAL = [
  'up',
  'node_filesystem_avail_bytes',
  'node_filesystem_size_bytes',
  'node_filesystem_readonly',
  'probe_ssl_earliest_cert_expiry',
  'certmanager_certificate_expiration_timestamp_seconds',
];

let t: TestHub;
let exported: Set<string>;

beforeAll(async () => {
  t = await startTestHub();
  const res = await t.hub.app.request(`${t.origin}/metrics`);
  expect(res.status).toBe(200);
  exported = declaredNames(await res.text());
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('the alert rules', () => {
  it('cover what an operator must hear of', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'HearthHighErrorRate',
        'HearthSlowRequests',
        'HearthProjectorLag',
        'HearthDeadLetters',
        'HearthNatsDown',
        'HearthPostgresDown',
        'HearthStreamNearLimit',
        'HearthDiskFilling',
        'HearthCertificateExpiring',
        'HearthAuditVerificationFailed',
      ]),
    );
    const byName = new Map(rules.map((r) => [r.alert, r]));
    expect(byName.get('HearthHighErrorRate')?.expr).toMatch(/> 0\.05\s*$/);
    expect(byName.get('HearthHighErrorRate')?.for).toBe('5m');
    expect(byName.get('HearthSlowRequests')?.expr).toMatch(/histogram_quantile\(0\.95,[\s\S]*> 0\.5\s*$/);
    expect(byName.get('HearthProjectorLag')?.expr).toMatch(/hearth_projector_lag_seconds\) > 30$/);
    for (const r of rules) expect(r.labels?.severity, r.alert).toMatch(/^(warning|critical)$/);
  });

  it('name only metrics the hub exports or a documented exporter’s', () => {
    const unknown = rules.flatMap((r) =>
      metricNamesIn(r.expr)
        .filter((name) => !exported.has(name) && !EXTERNAL.includes(name))
        .map((name) => `${r.alert}: ${name}`),
    );
    expect(unknown).toEqual([]);
    const used = new Set(rules.flatMap((r) => metricNamesIn(r.expr)));
    for (const name of EXTERNAL.filter((n) => used.has(n)))
      expect(rulesText.split('groups:')[0]).toContain(name);
    // Each hub metric an alert reads is really there.
    expect([...used].filter((n) => n.startsWith('hearth_')).length).toBeGreaterThan(8);
  });

  it.skipIf(!existsSync(PROMTOOL))('pass promtool’s check and their unit tests', async () => {
    await run(PROMTOOL, ['check', 'rules', 'deploy/prometheus/alerts.yaml']);
    const { stdout } = await run(PROMTOOL, ['test', 'rules', 'deploy/prometheus/alerts.test.yaml']);
    expect(stdout).toContain('SUCCESS');
  });

  it.skipIf(!existsSync(PROMTOOL))('load from a Prometheus config promtool accepts', async () => {
    // The config as compose mounts it, with the token file where this machine can have one.
    const dir = await mkdtemp(join(tmpdir(), 'hearth-prometheus-'));
    try {
      const config = await readFile('deploy/prometheus/prometheus.yml', 'utf8');
      const token = join(dir, 'ops_token');
      await writeFile(token, 'a-token-for-prometheus');
      await writeFile(join(dir, 'prometheus.yml'), config.replace('/run/secrets/ops_token', token));
      await copyFile('deploy/prometheus/alerts.yaml', join(dir, 'alerts.yaml'));
      const { stdout } = await run(PROMTOOL, ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(stdout).toContain('SUCCESS');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Figures every hub process reports alike (of the log and the database, not of itself). */
const SHARED = [
  'hearth_dead_letters',
  'hearth_projector_lag_seconds',
  'hearth_projector_lag_events',
  'hearth_stream_bytes',
  'hearth_stream_max_bytes',
  'hearth_jetstream_storage_bytes',
  'hearth_jetstream_storage_max_bytes',
];
/** Where a shared figure is read without `max` first: summed or alerted once per process. */
const unaggregated = (where: string, expr: string) =>
  SHARED.filter((name) => expr.includes(name))
    .filter((name) => !new RegExp(`max(?: by \\([^)]*\\))? ?\\(${name}\\b`).test(expr))
    .map((name) => `${where}: ${name}`);

describe('figures every process reports alike', () => {
  it('are taken once (max) across processes, in the alerts and on the dashboard', () => {
    const found = [
      ...rules.flatMap((r) => unaggregated(r.alert, r.expr)),
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((q) => unaggregated(p.title, q.expr))),
    ];
    expect(found).toEqual([]);
  });
});

describe('the Grafana dashboard', () => {
  const queries = () => [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((q) => ({ where: p.title, expr: q.expr }))),
    ...dashboard.templating.list.map((v) => ({
      where: 'variable',
      expr: v.query.replace(/^label_values\((.*),\s*\w+\)$/, '$1'),
    })),
  ];

  it('queries only metrics the hub exports', () => {
    const unknown = queries().flatMap(({ where, expr }) =>
      metricNamesIn(expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
    for (const p of dashboard.panels) expect(p.targets?.length, p.title).toBeGreaterThan(0);
  });

  it('shows request rate, errors, latency, projector lag, stream sizes and WebSocket connections', () => {
    const read = (metric: string) =>
      dashboard.panels.filter((p) => p.targets?.some((q) => q.expr.includes(metric)));
    expect(read('hearth_http_request_duration_seconds_count').length).toBeGreaterThanOrEqual(2);
    expect(read('hearth_http_request_duration_seconds_bucket').length).toBeGreaterThanOrEqual(1);
    expect(read('status=~"5..').length).toBeGreaterThanOrEqual(1);
    expect(read('hearth_projector_lag_seconds').length).toBeGreaterThanOrEqual(1);
    expect(read('hearth_stream_bytes').length).toBeGreaterThanOrEqual(1);
    expect(read('hearth_websocket_connections').length).toBeGreaterThanOrEqual(1);
  });

  it('has a stable uid and names the provisioned data source', async () => {
    expect(dashboard.uid).toBe('hearth-overview');
    const text = await readFile('deploy/grafana/dashboards/hearth.json', 'utf8');
    expect(text.match(/"uid": "prometheus"/g)?.length).toBeGreaterThan(dashboard.panels.length);
  });
});
