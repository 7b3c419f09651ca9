// What /metrics tells an operator beyond requests: each command's outcome, read models' and
// reactors' lag in events and seconds, rebuilds, sockets and chat fan-out, uploads and the
// scanner's verdicts, audit verification, and whether NATS, Postgres and clamd answer. Each is
// exercised on a real hub (real NATS, Postgres, clamd, WebSockets) and read from a scrape.

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAINS } from '../contracts/subjects.ts';
import { EICAR, type PrivateClamd, startClamd } from '../test/clamd.ts';
import { parseSamples, type Sample, samples } from '../test/metrics-text.ts';
import { type ChatHubs, joinedSocket, type Person, type Socket, startChatHubs } from '../test/sockets.ts';

let hubs: ChatHubs;
let clamd: PrivateClamd;
let admin: Person;
let ann: Person;
let annWs: Socket;

beforeAll(async () => {
  clamd = await startClamd();
  hubs = await startChatHubs({ env: { CLAMD_URL: clamd.url, HEARTH_COMMAND_RATE_LIMIT: '15' } });
  admin = await hubs.member('admin@family.test');
  ann = await hubs.member('ann@family.test');
  annWs = await joinedSocket(ann);
}, 120_000);
afterAll(async () => {
  await annWs?.close();
  await hubs?.stop();
  await clamd?.stop();
});

async function scrape(): Promise<Sample[]> {
  const edge = hubs.edges[0];
  if (!edge) throw new Error('no edge');
  const res = await fetch(`${edge.url}/metrics`);
  expect(res.status).toBe(200);
  return parseSamples(await res.text());
}

/** The value of the one sample that matches, once the scrape has it (0 while absent). */
const value = (all: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples(all, name, labels).reduce((sum, s) => sum + s.value, 0);

/** Scrapes until `check` holds (the hub counts after it answers; gauges are read on scrape). */
const scrapeUntil = (check: (all: Sample[]) => boolean) =>
  hubs.eventually(async () => {
    const all = await scrape();
    return check(all) ? all : undefined;
  }, 30_000);

const upload = (who: Person, bytes: Uint8Array | string, name: string) => {
  const form = new FormData();
  form.append('type', 'photo');
  form.append('file', new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)]), name);
  return who.request('/api/v1/upload', { method: 'POST', body: form });
};

describe('command outcomes', () => {
  it('counts accepted, conflict, refused and rate-limited commands by route pattern', async () => {
    const post = (who: Person, body: object) => who.request('/api/v1/messages', { body });
    expect((await post(ann, { channel: 'family', content: 'hello', id: 'metrics-1' })).status).toBe(201);
    // A channel archived takes no more messages: a conflict with its state.
    const { id } = await ann.json<{ id: string }>('/api/v1/channels', { body: { name: 'Old plans' } });
    expect((await ann.request(`/api/v1/channels/${id}/archive`, { method: 'POST', body: {} })).status).toBe(
      200,
    );
    expect((await post(ann, { channel: id, content: 'anyone?' })).status).toBe(409);
    // An admin's action, asked by a member.
    expect((await ann.request('/api/v1/audit/checkpoints', { method: 'POST', body: {} })).status).toBe(403);
    const flood = await hubs.member('flood@family.test');
    const statuses = [];
    for (let i = 0; i < 16; i++)
      statuses.push((await post(flood, { channel: 'family', content: `${i}` })).status);
    expect(statuses).toContain(429);

    const all = await scrapeUntil((a) => value(a, 'hearth_commands_total', { outcome: 'rate_limited' }) > 0);
    const route = '/api/v1/messages';
    expect(value(all, 'hearth_commands_total', { route, outcome: 'accepted' })).toBeGreaterThanOrEqual(2);
    expect(value(all, 'hearth_commands_total', { route, outcome: 'conflict' })).toBe(1);
    expect(value(all, 'hearth_commands_total', { route, outcome: 'rate_limited' })).toBeGreaterThanOrEqual(1);
    expect(value(all, 'hearth_commands_total', { outcome: 'refused' })).toBeGreaterThanOrEqual(1);
    // Never a path with an id in it: routes by their pattern only.
    for (const s of samples(all, 'hearth_commands_total'))
      expect(s.labels.route).not.toMatch(/metrics-1|family$/);
  });
});

describe('read models and reactors', () => {
  it('report their lag in events and in seconds, by kind', async () => {
    const all = await scrapeUntil((a) => samples(a, 'hearth_projector_lag_seconds').length > 0);
    const users = { read_model: 'identity_users', kind: 'read_model' };
    expect(samples(all, 'hearth_projector_lag_events', users)).toHaveLength(1);
    expect(samples(all, 'hearth_projector_lag_seconds', users)).toHaveLength(1);
    expect(samples(all, 'hearth_projector_lag_seconds', { kind: 'reactor' }).length).toBeGreaterThan(0);
    expect(
      samples(all, 'hearth_projector_lag_events', { read_model: 'chat_family', kind: 'reactor' }),
    ).toHaveLength(1);
    for (const s of samples(all, 'hearth_projector_lag_seconds')) expect(s.value).toBeGreaterThanOrEqual(0);
  });

  it('counts every rebuild result from 0 before any rebuild ends', async () => {
    const all = await scrape();
    for (const result of ['done', 'failed', 'mismatch', 'cancelled']) {
      const found = samples(all, 'hearth_rebuilds_total', { read_model: 'chat_channels', result });
      expect(found.map((s) => s.value)).toEqual([0]);
    }
    expect(samples(all, 'hearth_rebuilds_total', { result: 'running' })).toEqual([]);
  });

  it('shows a rebuild’s progress and its end', async () => {
    const res = await admin.request('/api/v1/admin/read-models/chat_messages/rebuild', {
      method: 'POST',
      body: {},
    });
    expect(res.status).toBe(202);
    const all = await scrapeUntil(
      (a) => value(a, 'hearth_rebuilds_total', { read_model: 'chat_messages', result: 'done' }) === 1,
    );
    expect(value(all, 'hearth_rebuild_running', { read_model: 'chat_messages' })).toBe(0);
    expect(value(all, 'hearth_rebuild_remaining_events', { read_model: 'chat_messages' })).toBe(0);
    expect(value(all, 'hearth_rebuild_processed_events', { read_model: 'chat_messages' })).toBeGreaterThan(0);
  });
});

describe('sockets', () => {
  it('counts open WebSockets and times the fan-out of a chat event to them', async () => {
    const before = value(await scrape(), 'hearth_chat_fanout_seconds_count');
    await admin.json('/api/v1/messages', { body: { channel: 'family', content: 'to every socket' } });
    await annWs.waitFor((f) => f.type === 'message' && f.content === 'to every socket');
    const all = await scrapeUntil((a) => value(a, 'hearth_chat_fanout_seconds_count') > before);
    expect(value(all, 'hearth_websocket_connections')).toBeGreaterThanOrEqual(1);
    expect(value(all, 'hearth_chat_fanout_seconds_bucket', { le: '+Inf' })).toBeGreaterThan(before);
  });
});

describe('uploads', () => {
  it('counts what was stored and what was refused, and each scan’s verdict', async () => {
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#a0c' } })
      .jpeg()
      .toBuffer();
    expect((await upload(admin, photo, 'dot.jpg')).status).toBe(201);
    expect((await upload(admin, EICAR, 'eicar.jpg')).status).toBe(422);
    const all = await scrapeUntil(
      (a) => value(a, 'hearth_media_uploads_total', { outcome: 'media.infected' }) === 1,
    );
    expect(value(all, 'hearth_media_uploads_total', { outcome: 'stored' })).toBe(1);
    expect(value(all, 'hearth_media_scans_total', { verdict: 'clean' })).toBe(1);
    expect(value(all, 'hearth_media_scans_total', { verdict: 'infected' })).toBe(1);
  });
});

describe('audit verification', () => {
  it('records each stream’s result and when it ran', async () => {
    const res = await admin.request('/api/v1/audit/verify', { body: { stream: 'CHAT' } });
    expect(res.status).toBe(200);
    const all = await scrapeUntil(
      (a) => samples(a, 'hearth_audit_verification_ok', { stream: 'CHAT' }).length > 0,
    );
    expect(value(all, 'hearth_audit_verification_ok', { stream: 'CHAT' })).toBe(1);
    expect(value(all, 'hearth_audit_verifications_total', { stream: 'CHAT', result: 'ok' })).toBe(1);
    expect(value(all, 'hearth_audit_verification_timestamp_seconds', { stream: 'CHAT' })).toBeGreaterThan(0);
  });
});

describe('dependencies and streams', () => {
  it('says NATS, Postgres and clamd answer, and how full each stream is against its limit', async () => {
    const all = await scrape();
    for (const dependency of ['nats', 'postgres', 'clamd'])
      expect(value(all, 'hearth_dependency_up', { dependency }), dependency).toBe(1);
    const chat = samples(all, 'hearth_stream_bytes').find((s) => s.labels.stream?.endsWith('CHAT'));
    expect(chat?.value).toBeGreaterThan(0);
    expect(samples(all, 'hearth_stream_max_bytes', { stream: chat?.labels.stream ?? '' })).toHaveLength(1);
    // One per domain's stream.
    expect(samples(all, 'hearth_stream_messages').length).toBe(DOMAINS.length);
    expect(value(all, 'hearth_jetstream_storage_bytes')).toBeGreaterThan(0);
    expect(samples(all, 'hearth_jetstream_storage_max_bytes')).toHaveLength(1);
  });
});
