// Attachments over a whole hub with a private clamd: a message carrying a file round-trips
// (the POST answer, a page of history, the socket frame, the same snapshot in each); a file
// that is someone else's, unknown or deleted is refused with chat.bad_attachment, and nothing
// is posted; a message may be files alone.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatAttachment, ChatMessage } from '../../contracts/chat.api.ts';
import type { UploadResponse } from '../../contracts/media.api.ts';
import { type PrivateClamd, startClamd, WITHOUT_CLAMD_REASON, withoutClamd } from '../../test/clamd.ts';
import { type ChatHubs, type Person, type Socket, startChatHubs } from '../../test/sockets.ts';

let t: ChatHubs;
let clamd: PrivateClamd;
let ann: Person;
let bob: Person;
let bobSocket: Socket;

const photo = (seed: number) =>
  sharp({ create: { width: 320, height: 240, channels: 3, background: { r: seed, g: 80, b: 160 } } })
    .jpeg()
    .toBuffer();

async function upload(p: Person, bytes: Buffer, name: string, type = 'image/jpeg'): Promise<UploadResponse> {
  const form = new FormData();
  form.append('type', 'attachment');
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await p.request('/api/v1/upload', { method: 'POST', body: form });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as UploadResponse;
}

const post = (p: Person, body: object) => p.request('/api/v1/messages', { body });
const page = (p: Person, after: number) =>
  p.json<ChatMessage[]>(`/api/v1/messages?channel=family&limit=50&after=${after}`);

describe.skipIf(withoutClamd)(
  `attachments, end to end${withoutClamd ? ` (${WITHOUT_CLAMD_REASON})` : ''}`,
  () => {
    beforeAll(async () => {
      clamd = await startClamd();
      t = await startChatHubs({ env: { CLAMD_URL: clamd.url } });
      ann = await t.member('ann@family.test');
      bob = await t.member('bob@family.test');
      bobSocket = await bob.connect();
      bobSocket.send({ type: 'join', channel: 'family' });
      await bobSocket.waitFor((f) => f.type === 'joined');
    }, 60_000);
    afterAll(async () => {
      await bobSocket?.close();
      await t?.stop();
      await clamd?.stop();
    });

    it('round-trips a message with a picture and a PDF: answer, history and socket frame alike', async () => {
      const picture = await upload(ann, await photo(1), 'beach.jpg');
      const pdf = await upload(
        ann,
        Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
        'menu.pdf',
        'application/pdf',
      );
      const res = await post(ann, {
        channel: 'family',
        content: 'Our day',
        attachments: [picture.id, pdf.id],
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const answered = (await res.json()) as ChatMessage;
      const expected: ChatAttachment[] = [
        {
          id: picture.id,
          url: picture.url,
          thumbnail_url: picture.thumbnail_url,
          content_type: 'image/jpeg',
          file_name: 'beach.jpg',
          size_bytes: picture.size_bytes,
          width: 320,
          height: 240,
        },
        {
          id: pdf.id,
          url: pdf.url,
          thumbnail_url: '',
          content_type: 'application/pdf',
          file_name: 'menu.pdf',
          size_bytes: pdf.size_bytes,
          width: null,
          height: null,
        },
      ];
      expect(answered.attachments).toEqual(expected);
      expect(picture.thumbnail_url).not.toBe('');

      const frame = await bobSocket.waitFor((f) => f.type === 'message' && f.id === answered.id);
      expect(frame.attachments).toEqual(expected);
      const history = await page(bob, answered.seq);
      expect(history.find((m) => m.id === answered.id)?.attachments).toEqual(expected);

      // The links lead to the bytes, for any member of the family.
      expect((await bob.request(expected[0]?.url ?? '')).status).toBe(200);
    });

    it('answers a page with attachments from memory in the same bytes as from the read model', async () => {
      const picture = await upload(ann, await photo(7), 'cached.jpg');
      await post(ann, { channel: 'family', content: 'kept', attachments: [picture.id] });
      const hub = t.edges[0]?.hub;
      // Nothing more on its way: the two reads can only differ if memory does.
      await expect
        .poll(async () => (await hub?.deps.projectors.status())?.every((p) => p.lag === 0), {
          timeout: 15_000,
        })
        .toBe(true);
      const fresh = await (await ann.request('/api/v1/messages?channel=family&limit=50')).text();
      const kept = await (await ann.request('/api/v1/messages?channel=family&limit=50')).text();
      expect(kept).toBe(fresh);
      expect(fresh).toContain('cached.jpg');
    });

    it('takes files alone, with no text', async () => {
      const picture = await upload(ann, await photo(2), 'alone.jpg');
      const m = await (await post(ann, { channel: 'family', content: '', attachments: [picture.id] })).json();
      expect(m).toMatchObject({ content: '', attachments: [{ id: picture.id, file_name: 'alone.jpg' }] });
      const empty = await post(ann, { channel: 'family', content: '' });
      expect(empty.status).toBe(400);
      expect(await empty.json()).toMatchObject({ code: 'chat.empty_message' });
    });

    it('gives every message an attachments list, empty when it has none', async () => {
      const m = (await (await post(bob, { channel: 'family', content: 'plain' })).json()) as ChatMessage;
      expect(m.attachments).toEqual([]);
      expect((await bobSocket.waitFor((f) => f.type === 'message' && f.id === m.id)).attachments).toEqual([]);
      expect((await page(bob, m.seq)).find((x) => x.id === m.id)?.attachments).toEqual([]);
    });

    it('refuses someone else’s file, an unknown one and a deleted one, and posts nothing', async () => {
      const annsPhoto = await upload(ann, await photo(3), 'mine.jpg');
      const bobsPhoto = await upload(bob, await photo(4), 'gone.jpg');
      // The read model has the upload (read-your-writes), so it can be deleted.
      expect((await bob.request(`/api/v1/files/${bobsPhoto.id}?after=${bobsPhoto.seq}`)).status).toBe(200);
      expect((await bob.request(`/api/v1/files/${bobsPhoto.id}`, { method: 'DELETE' })).status).toBe(204);
      for (const id of [annsPhoto.id, 'no-such-file', bobsPhoto.id]) {
        const res = await post(bob, {
          channel: 'family',
          content: 'look',
          id: `bad-${id}`,
          attachments: [id],
        });
        expect(res.status, id).toBe(400);
        expect(await res.json()).toMatchObject({ code: 'chat.bad_attachment', error: expect.any(String) });
      }
      const last = (await (await post(bob, { channel: 'family', content: 'after' })).json()) as ChatMessage;
      const ids = (await page(bob, last.seq)).map((m) => m.id);
      expect(ids.filter((id) => id.startsWith('bad-'))).toEqual([]);
    });

    it('refuses the same file twice and more than ten, at the boundary', async () => {
      const picture = await upload(ann, await photo(5), 'twice.jpg');
      for (const attachments of [[picture.id, picture.id], Array.from({ length: 11 }, (_, i) => `f${i}`)]) {
        const res = await post(ann, { channel: 'family', content: 'x', attachments });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ code: 'invalid_request' });
      }
    });

    it('takes attachments on the socket too, and refuses a bad one there', async () => {
      const picture = await upload(bob, await photo(6), 'socket.jpg');
      bobSocket.send({
        type: 'message',
        channel: 'family',
        content: '',
        attachments: [picture.id],
        ref: 'r-ok',
      });
      const ack = await bobSocket.waitFor((f) => f.type === 'ack' && f.ref === 'r-ok');
      const frame = await bobSocket.waitFor((f) => f.type === 'message' && f.id === ack.id);
      expect(frame.attachments).toMatchObject([{ id: picture.id, file_name: 'socket.jpg' }]);
      bobSocket.send({
        type: 'message',
        channel: 'family',
        content: 'x',
        attachments: ['nope'],
        ref: 'r-bad',
      });
      expect(await bobSocket.waitFor((f) => f.type === 'error' && f.ref === 'r-bad')).toMatchObject({
        code: 'chat.bad_attachment',
      });
    });
  },
);
