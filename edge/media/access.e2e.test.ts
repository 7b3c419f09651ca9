// Who may see and remove media, over a whole hub with a private clamd: a photo sent in a
// private chat reaches its channel and nobody else (no gallery, no download, not even an
// admin outside it, and nobody once the message is deleted); albums hold only what their
// viewer may read; who deletes what; who changes the settings; and deleting an avatar's file
// takes it off the profile.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../contracts/chat.api.ts';
import type { AlbumDetail, MediaFile, MediaPage, UploadResponse } from '../../contracts/media.api.ts';
import { type PrivateClamd, WITHOUT_CLAMD_REASON, withoutClamd } from '../../test/clamd.ts';
import type { TestClient, TestHub } from '../../test/hub.ts';
import { startMediaFamily, uploadedTo } from '../../test/media-family.ts';

let t: TestHub;
let clamd: PrivateClamd;
let admin: TestClient;
let ann: TestClient;
let bob: TestClient;
let child: TestClient;

const photo = (seed: number) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: { r: seed, g: 40, b: 200 } } })
    .jpeg()
    .toBuffer();

/** `type` null: as seed 001's clients send it, with no type part. */
const uploaded = (client: TestClient, bytes: Buffer, type: 'photo' | 'attachment' | 'avatar' | null) =>
  uploadedTo(t, client, bytes, { type, name: `${type ?? 'untyped'}.jpg` });

async function json<T>(client: TestClient, path: string): Promise<T> {
  const res = await client.request(path);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}

const status = async (client: TestClient, path: string, method = 'GET') =>
  (await client.request(path, { method })).status;

const gallery = async (client: TestClient, query = '') =>
  (await json<MediaPage>(client, `/api/v1/media?limit=100${query}`)).files.map((f) => f.id);

const settings = async (body: object) => {
  const res = await admin.request('/api/v1/media/settings', { method: 'PUT', body });
  expect(res.status).toBe(200);
  const { seq } = (await res.json()) as { seq: number };
  await json(admin, `/api/v1/media/settings?after=${seq}`);
};

const imageOf = async (client: TestClient) =>
  (await json<{ image: string | null }>(client, '/api/v1/me')).image;

describe.skipIf(withoutClamd)(`media access${withoutClamd ? ` (${WITHOUT_CLAMD_REASON})` : ''}`, () => {
  beforeAll(async () => {
    const family = await startMediaFamily({ members: ['Ann', 'Bob'], children: ['Kid'] });
    ({ t, clamd, admin } = family);
    [ann, bob] = family.members as [TestClient, TestClient];
    [child] = family.children as [TestClient];
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await clamd?.stop();
  });

  describe('a photo sent in a private chat', () => {
    let dm: string;
    let sent: UploadResponse;
    let message: ChatMessage;

    beforeAll(async () => {
      const opened = await ann.request('/api/v1/dms', { body: { user_id: (await bob.me()).id } });
      expect(opened.status).toBe(201);
      dm = ((await opened.json()) as { id: string }).id;
      sent = await uploaded(ann, await photo(1), 'attachment');
      const posted = await ann.request('/api/v1/messages', {
        body: { channel: dm, content: 'just us', attachments: [sent.id] },
      });
      expect(posted.status, await posted.clone().text()).toBe(201);
      message = (await posted.json()) as ChatMessage;
    });

    it('is downloaded by the other member of the chat at once, thumbnail and all', async () => {
      // No ?after=: a recipient's page fetches the picture as soon as the message arrives.
      const res = await bob.request(sent.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(await status(bob, sent.thumbnail_url)).toBe(200);
      expect((await json<MediaFile>(bob, `/api/v1/files/${sent.id}`)).kind).toBe('attachment');
    });

    it('is no file at all to a child or an admin outside the chat (404, as for no file)', async () => {
      for (const outsider of [child, admin]) {
        for (const path of [sent.url, sent.thumbnail_url, `/api/v1/files/${sent.id}`]) {
          const res = await outsider.request(path);
          expect({ path, status: res.status }).toEqual({ path, status: 404 });
          expect(await res.json()).toMatchObject({ code: 'media.file_not_found' });
        }
      }
      expect(await status(child, `/api/v1/files/${sent.id}`, 'DELETE')).toBe(404);
    });

    it('is never in the gallery, whatever kind is asked, except its own sender asking for hers', async () => {
      const shared = await uploaded(bob, await photo(2), 'photo');
      for (const viewer of [admin, bob, child]) {
        for (const query of ['', '&kind=photo', '&kind=attachment', '&kind=all']) {
          const listed = await gallery(viewer, query);
          expect(listed).not.toContain(sent.id);
        }
      }
      expect(await gallery(child)).toContain(shared.id);
      expect(await gallery(ann, '&kind=attachment')).toEqual([sent.id]);
      expect(await gallery(ann)).not.toContain(sent.id);
    });

    it('goes in an album only by its sender, and the album shows it only to who may read it', async () => {
      const made = await bob.request('/api/v1/albums', { body: { title: 'Ours' } });
      const { id } = (await made.json()) as { id: string };
      const refused = await bob.request(`/api/v1/albums/${id}/files`, { body: { file_id: sent.id } });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: 'media.not_your_attachment' });
      const hidden = await child.request(`/api/v1/albums/${id}/files`, { body: { file_id: sent.id } });
      expect(hidden.status).toBe(403); // children make no albums
      const unknown = await admin.request(`/api/v1/albums/${id}/files`, { body: { file_id: sent.id } });
      expect(unknown.status).toBe(404);
      const added = await ann.request(`/api/v1/albums/${id}/files`, { body: { file_id: sent.id } });
      expect(added.status).toBe(200);
      const { seq } = (await added.json()) as { seq: number };
      const seen = async (viewer: TestClient) => {
        const detail = await json<AlbumDetail>(viewer, `/api/v1/albums/${id}?after=${seq}`);
        return { count: detail.album.count, files: detail.files.map((f) => f.id) };
      };
      expect(await seen(ann)).toEqual({ count: 1, files: [sent.id] });
      expect(await seen(bob)).toEqual({ count: 1, files: [sent.id] });
      expect(await seen(child)).toEqual({ count: 0, files: [] });
      expect(await seen(admin)).toEqual({ count: 0, files: [] });
    });

    it('goes with its message: once the message is deleted, nobody reads it, its sender included', async () => {
      const removed = await ann.request(`/api/v1/channels/${dm}/messages/${message.id}`, {
        method: 'DELETE',
      });
      expect(removed.status).toBe(200);
      await expect.poll(() => status(bob, sent.url), { timeout: 10_000 }).toBe(404);
      // The media_chat reactor deletes the file on its sender's behalf.
      await expect.poll(() => status(ann, sent.url), { timeout: 10_000 }).toBe(404);
    });

    it('is deleted by an admin outside the chat (204), though the admin cannot read it', async () => {
      const abusive = await uploaded(bob, await photo(9), 'attachment');
      const posted = await bob.request('/api/v1/messages', {
        body: { channel: dm, content: '', attachments: [abusive.id] },
      });
      expect(posted.status).toBe(201);
      await expect.poll(() => status(ann, abusive.url), { timeout: 10_000 }).toBe(200);
      expect(await status(admin, abusive.url)).toBe(404);
      expect(await status(admin, `/api/v1/files/${abusive.id}`, 'DELETE')).toBe(204);
      await expect.poll(() => status(ann, abusive.url), { timeout: 10_000 }).toBe(404);
    });
  });

  describe('a file sent by a client that names no type (seed 001)', () => {
    it('is the family’s: any member reads it', async () => {
      const up = await uploaded(ann, await photo(12), null);
      const file = await json<MediaFile>(child, `/api/v1/files/${up.id}`);
      expect(file.kind).toBe('photo');
      expect(await status(bob, up.url)).toBe(200);
    });
  });

  describe('deleting a file', () => {
    it('is refused to a member for someone else’s file (403), and allowed to its owner', async () => {
      const mine = await uploaded(ann, await photo(3), 'photo');
      const refused = await bob.request(`/api/v1/files/${mine.id}`, { method: 'DELETE' });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'media.not_owner' });
      expect(await status(child, `/api/v1/files/${mine.id}`, 'DELETE')).toBe(403);
      expect(await status(ann, `/api/v1/files/${mine.id}`, 'DELETE')).toBe(204);
    });

    it('is allowed to a child for their own file, once the family lets children upload', async () => {
      await settings({ children_may_upload: true });
      const theirs = await uploaded(child, await photo(4), 'photo');
      expect(await status(bob, `/api/v1/files/${theirs.id}`, 'DELETE')).toBe(403);
      expect(await status(child, `/api/v1/files/${theirs.id}`, 'DELETE')).toBe(204);
      await expect.poll(() => status(child, `/api/v1/files/${theirs.id}`)).toBe(404);
      await settings({ children_may_upload: false });
    });
  });

  describe('the family media settings', () => {
    it('are changed by an admin (200), not by a member (403) or a child (403)', async () => {
      for (const [who, want] of [
        [admin, 200],
        [ann, 403],
        [child, 403],
      ] as const) {
        const res = await who.request('/api/v1/media/settings', {
          method: 'PUT',
          body: { strip_location: true },
        });
        expect(res.status).toBe(want);
      }
    });
  });

  describe('deleting the file of an avatar', () => {
    it('takes it off the profile, whoever deletes it, and leaves a newer avatar alone', async () => {
      const first = await uploaded(bob, await photo(5), 'avatar');
      await expect.poll(async () => (await imageOf(bob))?.endsWith(first.thumbnail_url)).toBe(true);
      expect(await status(bob, `/api/v1/files/${first.id}`, 'DELETE')).toBe(204);
      expect(await imageOf(bob)).toBeNull();

      const second = await uploaded(bob, await photo(6), 'avatar');
      const third = await uploaded(bob, await photo(7), 'avatar');
      // The older one is no longer shown: deleting it changes nothing.
      expect(await status(bob, `/api/v1/files/${second.id}`, 'DELETE')).toBe(204);
      expect(await imageOf(bob)).toMatch(new RegExp(`/files/${third.id}/download`));

      const mine = await imageOf(admin);
      const removed = await admin.request(`/api/v1/files/${third.id}`, {
        method: 'DELETE',
        headers: { 'User-Agent': 'AdminConsole/1' },
      });
      expect(removed.status).toBe(204);
      expect(await imageOf(bob)).toBeNull();
      expect(await imageOf(admin)).toBe(mine);
      // The profile is Bob's; the change is the admin's, from the admin's address and browser.
      const { rows: changes } = await t.hub.deps.pool.query(
        `SELECT user_id, actor_id, on_behalf_of, client_ip, user_agent FROM auth.outbox
         WHERE type = 'profileUpdated' AND user_id = $1 ORDER BY id DESC LIMIT 1`,
        [(await bob.me()).id],
      );
      expect(changes).toEqual([
        {
          user_id: (await bob.me()).id,
          actor_id: (await admin.me()).id,
          on_behalf_of: '',
          client_ip: admin.ip,
          user_agent: 'AdminConsole/1',
        },
      ]);
      await expect
        .poll(async () => {
          const { rows } = await t.hub.deps.pool.query('SELECT member_id FROM media_files.avatars');
          return rows.length;
        })
        .toBe(0);
    });
  });
});
