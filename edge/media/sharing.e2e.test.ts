// What sharing does beyond media, over a whole hub with a private clamd: photos shared are told
// in the family feed as one item with thumbnails (a child sees it, an attachment never shows),
// and deleting a chat message deletes its attachment: the file answers 404, leaves the gallery
// and stops counting in play.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../contracts/chat.api.ts';
import type { HomeFeed } from '../../contracts/home.api.ts';
import type { MediaPage, UploadResponse } from '../../contracts/media.api.ts';
import type { Profile } from '../../contracts/play.api.ts';
import { type PrivateClamd, WITHOUT_CLAMD_REASON, withoutClamd } from '../../test/clamd.ts';
import type { TestClient, TestHub } from '../../test/hub.ts';
import { postUpload, startMediaFamily } from '../../test/media-family.ts';

let t: TestHub;
let clamd: PrivateClamd;
let admin: TestClient;
let ann: TestClient;
let kid: TestClient;

const photo = (seed: number) =>
  sharp({ create: { width: 160, height: 120, channels: 3, background: { r: seed, g: 40, b: 200 } } })
    .jpeg()
    .toBuffer();

async function upload(
  client: TestClient,
  bytes: Buffer,
  type: 'photo' | 'attachment',
): Promise<UploadResponse> {
  const res = await postUpload(t, client, bytes, { type, name: `${type}.jpg` });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as UploadResponse;
}

async function json<T>(client: TestClient, path: string): Promise<T> {
  const res = await client.request(path);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}

const photosShared = async (client: TestClient) =>
  (await json<HomeFeed>(client, '/api/v1/feed')).items.filter((i) => i.kind === 'photos_shared');
const gallery = async (client: TestClient) =>
  (await json<MediaPage>(client, '/api/v1/media?kind=all&limit=100')).files.map((f) => f.id);
const photosCounted = async (client: TestClient) =>
  (await json<Profile>(client, '/api/v1/play/me')).metrics.photos_shared;

describe.skipIf(withoutClamd)(`sharing${withoutClamd ? ` (${WITHOUT_CLAMD_REASON})` : ''}`, () => {
  beforeAll(async () => {
    const family = await startMediaFamily({ admin: 'Dad', members: ['Ann'], children: ['Kid'] });
    ({ t, clamd, admin } = family);
    [ann] = family.members as [TestClient];
    [kid] = family.children as [TestClient];
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
    await clamd?.stop();
  });

  it('tells the family "Dad shared 2 photos" with their thumbnails, children included', async () => {
    const dadId = (await admin.me()).id;
    const first = await upload(admin, await photo(1), 'photo');
    const second = await upload(admin, await photo(2), 'photo');
    // A chat attachment is private to its chat: never in the feed.
    await upload(admin, await photo(3), 'attachment');
    await expect
      .poll(async () => (await photosShared(kid)).map((i) => [i.actor_id, i.actor_name, i.detail]), {
        timeout: 15_000,
      })
      .toEqual([[dadId, 'Dad', '2 photos']]);
    const [item] = await photosShared(kid);
    expect(item?.thumbnails).toEqual([first.thumbnail_url, second.thumbnail_url]);
    expect(item?.link).toBe('/gallery');
    const thumb = await kid.request(item?.thumbnails[0] ?? '');
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');

    expect((await admin.request(`/api/v1/files/${first.id}`, { method: 'DELETE' })).status).toBe(204);
    await expect
      .poll(async () => (await photosShared(kid)).map((i) => [i.detail, i.thumbnails]), { timeout: 15_000 })
      .toEqual([['1 photo', [second.thumbnail_url]]]);
  });

  it('deletes an attachment with its message: 404, out of the gallery and out of play', async () => {
    const before = await photosCounted(ann);
    const file = await upload(ann, await photo(9), 'attachment');
    const res = await ann.request('/api/v1/messages', {
      body: { channel: 'family', content: 'Look', attachments: [file.id] },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const message = (await res.json()) as ChatMessage;
    await expect.poll(() => photosCounted(ann), { timeout: 15_000 }).toBe(before + 1);
    expect(await gallery(ann)).toContain(file.id);

    const deleted = await ann.request(`/api/v1/channels/family/messages/${message.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    await expect
      .poll(async () => (await ann.request(`/api/v1/files/${file.id}`)).status, { timeout: 15_000 })
      .toBe(404);
    expect((await kid.request(file.url)).status).toBe(404);
    expect(await gallery(ann)).not.toContain(file.id);
    await expect.poll(() => photosCounted(ann), { timeout: 15_000 }).toBe(before);
  });
});
