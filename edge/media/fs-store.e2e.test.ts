// MEDIA_STORE=fs:<dir> over a whole hub: the bytes live as files in that directory, a download
// serves them (whole and by range), and the last reference's deletion removes them.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResponse } from '../../contracts/media.api.ts';
import { type PrivateClamd, startClamd } from '../../test/clamd.ts';
import { startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let clamd: PrivateClamd;
let dir: string;
let ann: TestClient;

const stored = async (): Promise<string[]> =>
  (await readdir(dir, { recursive: true })).filter((f) => !f.startsWith('.'));

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'X-Forwarded-For': ann.ip,
    Origin: t.origin,
    Cookie: [...ann.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    ...extra,
  };
}

beforeAll(async () => {
  clamd = await startClamd();
  dir = await mkdtemp(path.join(tmpdir(), 'hearth-media-fs-'));
  t = await startTestHub({ env: { CLAMD_URL: clamd.url, MEDIA_STORE: `fs:${dir}` } });
  ann = t.client();
  await ann.signUp({ email: 'ann@family.test', name: 'Ann' });
}, 120_000);

afterAll(async () => {
  await t?.stop();
  await clamd?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('media kept in a directory', () => {
  it('stores an upload there, serves it whole and by range, and removes it with its last reference', async () => {
    const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('type', 'photo');
    form.append('file', new Blob([new Uint8Array(bytes)]), 'garden.png');
    const res = await t.hub.app.request(`${t.origin}/api/v1/upload`, {
      method: 'POST',
      headers: headers(),
      body: form,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const up = (await res.json()) as UploadResponse & { seq: number };
    expect(await stored()).not.toEqual([]);

    const whole = await t.hub.app.request(`${t.origin}${up.url}?after=${up.seq}`, { headers: headers() });
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await t.hub.app.request(`${t.origin}${up.url}`, {
      headers: headers({ Range: 'bytes=1-4' }),
    });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1, 5))).toBe(true);
    const thumb = await t.hub.app.request(`${t.origin}${up.thumbnail_url}`, { headers: headers() });
    expect(thumb.headers.get('content-type')).toBe('image/webp');

    expect((await ann.request(`/api/v1/files/${up.id}`, { method: 'DELETE' })).status).toBe(204);
    // The release reactor removes the bytes once the read model has the deletion.
    await expect.poll(stored, { timeout: 15_000 }).toEqual([]);
  });
});
