// The hash chain's routes over a whole hub: verify answers every stream as the log holds it,
// one verify at a time; checkpoints sign every stream through its end, and verify then shows
// them signed through; the public key verifies a checkpoint read off the AUDIT stream; hostile
// bodies are refused.
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AuditCheckpointResult,
  AuditPublicKey,
  AuditStreamReport,
  AuditVerifyReport,
} from '../../contracts/audit.api.ts';
import { CHAINED_STREAMS } from '../../contracts/audit-chain.schema.ts';
import { eventually, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { checkpointBytes, publicKeyFromRaw } from '../../writers/audit/chain.ts';
import { decodeCheckpoint } from '../../writers/audit/checkpoints.ts';

let t: TestHub;
let admin: TestClient;

const lastSeqs = async () => {
  const { log } = t.hub.deps;
  const out = new Map<string, { first: number; last: number; messages: number }>();
  for (const s of CHAINED_STREAMS) {
    const { state } = await log.jsm.streams.info(log.names.stream(s.toLowerCase() as never));
    out.set(s, { first: state.first_seq, last: state.last_seq, messages: state.messages });
  }
  return out;
};

const verify = async (body: unknown = {}) => {
  const res = await admin.request('/api/v1/audit/verify', { body });
  expect(res.status).toBe(200);
  return (await res.json()) as AuditVerifyReport;
};

const byStream = (r: AuditVerifyReport) => new Map(r.streams.map((s) => [s.stream, s]));

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  expect((await admin.signUp({ email: 'mum@family.test', name: 'Mum' })).status).toBe(200);
  // The family channel is made by a reactor once the first person is in.
  for (const content of ['one', 'two', 'three'])
    await eventually(
      async () =>
        (await admin.request('/api/v1/messages', { body: { channel: 'family', content } })).status === 201
          ? true
          : undefined,
      { timeoutMs: 15_000, what: 'a message posted in the family channel' },
    );
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('POST /api/v1/audit/verify', () => {
  it('answers every stream, its events counted as the log holds them, all ok', async () => {
    const before = await lastSeqs();
    const report = await verify();
    const after = await lastSeqs();
    expect(report.ok).toBe(true);
    expect(report.streams.map((s) => s.stream).sort()).toEqual([...CHAINED_STREAMS].sort());
    for (const s of report.streams) {
      const b = before.get(s.stream);
      const a = after.get(s.stream);
      expect(s, s.stream).toMatchObject({ ok: true, problems: [] });
      // Events may arrive while it reads (the chainer's own checkpoints): between the two looks.
      expect(s.to_seq).toBeGreaterThanOrEqual(b?.last ?? 0);
      expect(s.to_seq).toBeLessThanOrEqual(a?.last ?? 0);
      if (s.events > 0) {
        expect(s.from_seq).toBe(b?.first);
        expect(s.events).toBe(s.to_seq - s.from_seq + 1);
      }
    }
    expect(byStream(report).get('CHAT')?.events).toBeGreaterThanOrEqual(3);
  });

  it('answers one stream when asked, from a sequence', async () => {
    const report = await verify({ stream: 'CHAT', from_seq: 2 });
    expect(report.streams).toHaveLength(1);
    expect(report.streams[0]).toMatchObject({ stream: 'CHAT', ok: true, from_seq: 2 });
  });

  it('refuses a second verify while one runs with 409 and the envelope', async () => {
    // Started in the hub itself, so it is surely running when the request arrives.
    const first = t.hub.auditChain.verify({});
    const res = await admin.request('/api/v1/audit/verify', { body: {} });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    expect((await first).ok).toBe(true);
    // Once it ends, the next one runs.
    expect((await verify()).ok).toBe(true);
  });

  it.each([
    ['a stream that is not chained', { stream: 'NOPE' }],
    ['a wildcard', { stream: 'CHAT.>' }],
    ['a negative from_seq', { from_seq: -1 }],
    ['from_seq zero', { from_seq: 0 }],
    ['a fractional from_seq', { from_seq: 1.5 }],
    ['a 10 KB string', { stream: 'C'.repeat(10_240) }],
    ['an unknown field', { stream: 'CHAT', all: true }],
    ['not an object', ['CHAT']],
  ])('refuses %s with 400 and the envelope', async (_, body) => {
    const before = await lastSeqs();
    const res = await admin.request('/api/v1/audit/verify', { body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    expect((await lastSeqs()).get('CHAT')).toEqual(before.get('CHAT'));
  });
});

describe('POST /api/v1/audit/checkpoints', () => {
  it('signs every stream through its end, and verify then shows them signed through', async () => {
    const before = await lastSeqs();
    const res = await admin.request('/api/v1/audit/checkpoints', { method: 'POST' });
    expect(res.status).toBe(200);
    const { checkpoints } = (await res.json()) as AuditCheckpointResult;
    const signed = new Map(checkpoints.map((c) => [c.stream, c.seq]));
    for (const [stream, { last }] of before)
      if (last > 0 && stream !== 'AUDIT') expect(signed.get(stream), stream).toBe(last);
    expect(signed.get('CHAT')).toBeGreaterThanOrEqual(3);

    const report = byStream(await verify());
    for (const [stream, seq] of signed) {
      const r = report.get(stream) as AuditStreamReport;
      expect(r.ok, stream).toBe(true);
      expect(r.signed_through, stream).toBeGreaterThanOrEqual(seq);
      expect(r.checkpoints, stream).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('GET /api/v1/audit/public-key', () => {
  it('answers the key that verifies a checkpoint read off the AUDIT stream', async () => {
    const res = await admin.request('/api/v1/audit/public-key');
    expect(res.status).toBe(200);
    const key = (await res.json()) as AuditPublicKey;
    expect(key.algorithm).toBe('Ed25519');

    // Make sure CHAT has a checkpoint, then read it back as a verifier would.
    expect((await admin.request('/api/v1/audit/checkpoints', { method: 'POST' })).status).toBe(200);
    const { log } = t.hub.deps;
    const stored = await log.jsm.direct.getMessage(log.names.stream('audit'), {
      last_by_subj: log.names.audit.chain('CHAT'),
    });
    const signed = decodeCheckpoint(stored?.data ?? new Uint8Array());
    if (!signed) throw new Error('no checkpoint of CHAT on the AUDIT stream');
    expect(signed.checkpoint.keyId).toBe(key.key_id);

    const bytes = checkpointBytes(signed.checkpoint);
    const raw = publicKeyFromRaw(Buffer.from(key.public_key, 'base64'));
    const pem = createPublicKey(key.public_key_pem);
    expect(verifySignature(null, bytes, raw, signed.signature)).toBe(true);
    expect(verifySignature(null, bytes, pem, signed.signature)).toBe(true);
    // And nothing else: one bit of the link changed, the signature no longer holds.
    const forged = checkpointBytes({
      ...signed.checkpoint,
      link: Buffer.from(signed.checkpoint.link).map((b, i) => (i === 0 ? b ^ 1 : b)),
    });
    expect(verifySignature(null, forged, raw, signed.signature)).toBe(false);
  });
});
